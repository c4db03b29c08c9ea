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


def test_right_to_left_the_chart_is_mirrored():
    bars = [Bar("وزارة الصحة", 0.5, "50%")]
    left_to_right = bar_chart("c", "t", "d", bars, 1.0)
    mirrored = bar_chart("c", "t", "d", bars, 1.0, right_to_left=True)
    assert 'direction="ltr"' in left_to_right and 'direction="rtl"' in mirrored
    # The label sits right of the bars, and the bar ends where the label begins.
    assert '<text x="446" y="24" text-anchor="end">' in mirrored
    assert '<rect x="255" y="8" width="185" height="22">' in mirrored
    assert '<text x="249" y="24">50%</text>' in mirrored
    assert '<text x="194" y="24" text-anchor="end">' in left_to_right
    assert '<rect x="200" y="8" width="185" height="22">' in left_to_right
