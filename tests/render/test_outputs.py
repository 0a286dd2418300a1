"""The email's CSS inlining survives CSS it cannot read."""

from __future__ import annotations

from whalewatch.render.outputs import inline_css


def test_a_broken_style_attribute_is_dropped_and_named_and_the_rest_inlined():
    html = ('<html><head><style>p{color:#123456}</style></head><body>'
            '<p class="lead">kept</p><p style="color: red; {{{;;">broken</p><p style="margin:0">fine</p></body></html>')
    inlined, complaints = inline_css(html)
    assert 'class="lead" style="color: #123456' in inlined
    assert "{{{" not in inlined and ">broken<" in inlined
    assert 'style="color: #123456;margin: 0">fine' in inlined
    assert len(complaints) == 1 and "style=" in complaints[0] and "dropped" in complaints[0]


def test_good_css_gives_no_complaint():
    inlined, complaints = inline_css("<html><head><style>p{color:red}</style></head><body><p>x</p></body></html>")
    assert complaints == [] and 'style="color: red' in inlined
