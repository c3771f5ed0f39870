"""Reports render as HTML in a notebook: ``examples/python/notebook.ipynb``
is executed by a real kernel (nbclient) and its outputs are checked, and the
``_repr_html_`` of each report kind is checked directly."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import empathize
import pytest

NOTEBOOK = Path(__file__).resolve().parents[3] / "examples" / "python" / "notebook.ipynb"


def _esc(text: str) -> str:
    """HTML escaping as the core does it."""
    for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        text = text.replace(raw, escaped)
    return text


def _badge(score: float) -> str:
    return f'title="score {score:.1f}">{score:.0f}</span>'


def test_message_report_html_highlights_spans_with_code_point_offsets() -> None:
    # Emoji and accents before the match: code points and bytes differ.
    text = "😭 Ça alors… I'm so sorry about the <double> charge, that sounds stressful."
    r = empathize.score(text)
    html = r._repr_html_()
    assert html.startswith('<div class="empathize"><style>')
    spans = [m for m in r.matches if not m.negated and not m.suppressed]
    assert spans
    for m in spans[:1]:
        assert f">{_esc(text[m.start : m.end])}</mark>" in html
    assert '<mark class="pos"' in html
    assert "&lt;double&gt;" in html and "<double>" not in html
    assert _badge(r.score) in html
    assert "<script" not in html.lower()


def test_customer_and_conversation_reports_render() -> None:
    c = empathize.analyze_customer("I've been waiting two weeks!!! I want a manager.")
    html = c._repr_html_()
    assert '<mark class="neu"' in html
    assert f"distress {c.distress:.2f}" in html
    convo = empathize.analyze_conversation(
        [
            ("customer", "My order is late again and I'm really upset."),
            {"role": "agent", "text": "Per our policy, please wait.", "agent_id": "devon"},
        ]
    )
    html = convo._repr_html_()
    assert '<details class="conv" open>' in html
    assert _badge(convo.score) in html
    assert "<b>devon</b>#1" in html
    assert '<mark class="neg"' in html
    # A turn's report renders with its own text.
    reply = convo.turns[1].reply
    assert reply is not None
    assert "Per our policy" in reply._repr_html_()


def test_styled_frame_colours_scores_like_the_badges() -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("jinja2")
    from empathize.pandas import score_frame, styled

    df = pd.DataFrame({"reply": ["I'm so sorry, I understand. I'll fix it today.", "Nope.", None]})
    scores = score_frame(df, "reply")
    html = styled(scores).to_html()
    assert "#1a7f37" in html  # the first reply's badge colour
    assert "#cf222e" in html  # the curt reply's
    assert f"{scores['score'][0]:.1f}" in html
    with pytest.raises(KeyError, match="score"):
        styled(df)


def _html_outputs(cell: Any) -> list[tuple[str, str]]:
    out = []
    for o in cell.get("outputs", []):
        data = o.get("data", {})
        if "text/html" in data:
            out.append((data.get("text/plain", ""), data["text/html"]))
    return out


def test_the_example_notebook_runs_and_shows_html() -> None:
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not any(o.get("output_type") == "error" for o in c.outputs) for c in code)

    # The first cell shows a reply report: highlighted span and its score.
    ((plain, html),) = _html_outputs(code[0])
    score = float(re.search(r"score=([0-9.]+)", plain).group(1))  # type: ignore[union-attr]
    assert '<mark class="pos"' in html
    assert "so sorry" in html
    assert f">{score:.0f}</span>" in html
    # Policy wall: a red span and a red flag.
    ((_, html),) = _html_outputs(code[1])
    assert '<mark class="neg"' in html and "policy_wall" in html
    # Customer message and conversation.
    ((_, html),) = _html_outputs(code[2])
    assert "distress" in html and '<mark class="neu"' in html
    ((_, html),) = _html_outputs(code[3])
    assert '<details class="conv" open>' in html and "late empathy" in html
    # The styled DataFrame.
    ((_, html),) = _html_outputs(code[4])
    assert "<table" in html and "background-color: #" in html
    for _, html in (h for c in code for h in _html_outputs(c)):
        assert "<script" not in html.lower()
