"""Server-side SVG charts: accessible, and long names do not run off the left edge."""

from reports.charts import Bar, bar_chart


def test_a_chart_has_a_title_a_description_and_short_labels():
    name = "Direction des Affaires Administratives et Générales"
    svg = bar_chart("c1", "Couverture", "Part des agents formés", [Bar(name, 0.5, "50 %")], 1.0)
    assert '<title id="c1-title">Couverture</title>' in svg
    assert '<desc id="c1-desc">Part des agents formés</desc>' in svg
    assert f"<title>{name}</title>Direction des Affaires Admini…</text>" in svg
    assert 'width="185"' in svg  # half of the plot area
    assert "<script" not in svg
