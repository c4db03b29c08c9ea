"""The figures: HR dashboards, national figures, GCI capacity building, exports and charts."""
