"""What ``clean`` must leave on the pages of a crawl that are not news: code samples, Markdown
tables, diagrams and how-to steps (shapes taken from the WCXB benchmark pages; see the crawl
section of ``bench/results/clean_samples.md``), while dividers, leaked ``<br />`` tags and crumb
trails still go."""

from __future__ import annotations

import pytest

from tamis.document import Document, undo
from tamis.stages.base import stage_class

CleanStage = stage_class("clean")


def clean(text: str) -> Document:
    doc = Document("d", text, {"path": "p.html", "index": 0})
    CleanStage().process(doc)
    assert undo(doc.text, doc.edits) == text
    return doc


def rules_of(doc: Document) -> set[str]:
    return {e.rule for e in doc.edits}


CODE = [
    'resource "aws_instance" "web" {\n  provisioner "local-exec" {\n    command = "echo hi"\n  }\n}',
    "function Up(evt) {\n  mObjSandBox.down = false;\n  return (\n    <div>\n      Hi\n    </div>\n  );\n}",
    "location /download/ {\n    rewrite ^(/download/.*)/audio/(.*)$ $1/mp3/$2.ra last;\n    ...\n}",
    "  .then((data) => {\n    list.push(data);\n  })\n  .then(() => {\n    console.log(list);\n  });",
    "┌──────────────┐\n│ ① Ingestion  │\n├──────────────┤\n│ ② Scoring    │\n└──────────────┘",
    "  /* Fall back to manual bounds\n  */\n  return inside(x, y);",
    "  <button\n    className=\"btn\"\n    onClick={addTodo}\n  >\n    Add\n  </button>",
    ">>> for x in range(10):\n...     squares.append(x**2)\n...\n>>> squares",
    "error[E0382]: borrow of moved value\n  |\n3 |     let s2 = s1;\n  |\nhelp: consider cloning",
    "def f(x):\n    \"\"\"\n    The derivative.\n    \"\"\"\n    return 3 * x",
    "SELECT * FROM films;\n did |     name\n-----+--------------\n 108 | Westward",
    "\t/**\n\t* I append the token.\n\t*/\n\tprivate string function append() {",
    "resource {\n  # . . .\n  connection {\n    host = self.ip\n  }\n}",
    "MIDDLEWARE = [\n    \"django.middleware.common.CommonMiddleware\",\n    \"...\",\n]",
    "     +-------------+\n     | Runtime     |\n     +-------------+",
    "SELECT name FROM actors;\n      name\n----------------\n Walt Disney",
    "<<<<<<< HEAD\n    return authenticate_user(username, password)\n=======\ndef login(email):",
]  # fmt: skip


@pytest.mark.parametrize("code", CODE)
def test_a_code_sample_keeps_its_braces_elisions_and_box_lines(code):
    text = f"Here is the example.\n\n{code}\n\nThat is all it takes."
    doc = clean(text)
    assert "symbol_line" not in rules_of(doc)
    assert "markup_break" not in rules_of(doc)


def test_a_star_rating_is_the_reviews_not_a_divider():
    text = (
        "A handle, dual handle, rope, T-bar, and ankle strap.\n\nRating:\n\n★★★★☆\n\nBy our editor."
    )
    assert clean(text).text == text


def test_a_markdown_table_keeps_its_separator_row():
    table = "| Service | Binding | Access |\n|---|---|---|\n| Ollama | local | Tailscale only |"
    doc = clean(f"Ports in use:\n\n{table}\n\nNothing else is open.")
    assert table in doc.text


def test_a_tutorials_html_keeps_its_tags():
    text = (
        'Wrap the fields:\n\n<div class="fieldWrapper">\n  {{ form.subject }}\n</div>\n\n'
        "Each <p> becomes a paragraph of its own.</p>"
    )
    assert clean(text).text == text


def test_a_diagrams_node_labels_keep_their_line_breaks():
    # a Mermaid diagram shown as code on a WCXB page: its "<br/>" breaks a node's label
    diagram = (
        "graph TD\n    A[Memory] --> B[shared_buffers]\n"
        '    B --> B1["25% of RAM<br/>Caches frequently accessed data"]\n'
        '    C --> C1["64-256MB per operation<br/>Sorts and hash joins"]'
    )
    doc = clean(f"How memory is split:\n\n{diagram}\n\nTune it.<br />Then restart.")
    assert diagram in doc.text
    assert "Tune it.\nThen restart." in doc.text


def test_leaked_breaks_and_dividers_still_go():
    doc = clean("Great film.<br /><br />Loved it, <em>truly</em> <grin>\n\n* * *\n\n-------\nEnd.")
    assert doc.text == "Great film.\n\nLoved it, <em>truly</em> <grin>\n\nEnd."
    doc = clean("First part.\n>\nSecond part.\n;\nThird part.")
    assert doc.text == "First part.\nSecond part.\nThird part."


@pytest.mark.parametrize(
    "line",
    [
        "- Go to Products > Data Files > Click on the + button",
        "- Select Add > Controller... > MVC 5 Controller - Empty.",
        "Example: Women > Rings > Diamond rings",
        "2. Open Settings > Privacy > Location Services",
    ],
)
def test_a_path_written_as_a_step_or_an_example_is_not_a_crumb_trail(line):
    text = f"To set it up:\n\n{line}\n\nThen save the file."
    assert clean(text).text == text


@pytest.mark.parametrize(
    "line",
    [
        "Home » Technology Solutions » Cybersecurity Consulting Services",
        "Electricians > Costs & Prices > Georgia > Marietta Electricians Costs & Prices",
    ],
)
def test_a_crumb_trail_still_goes(line):
    doc = clean(f"{line}\n\nSecurity is a high-stakes game for every company.")
    assert doc.text == "Security is a high-stakes game for every company."
