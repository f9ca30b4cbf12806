"""The practitioner's pages with the text at 200% (WCAG 1.4.4 and 1.4.10, by the root's font
size): a councillor at a desk reads the results, where a summary or a "Helps answer" snippet cut
to a few lines at the usual size is shown whole once the text is large, so no match is hidden and
every question can be read to its end; a social worker on a phone without JavaScript chooses the
years and reads a case study to its related ones, and nothing runs off the screen's side."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from testkit.servers import service
from tests.browser.checks import ROOT_200, SIZES, accessible, adopt, fits, shoot
from tests.browser.test_search_journeys import HIDDEN_MARKS
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser

READ = "bradford-b-positive-pathways"  # its related case studies' last lines come close to full
# A result's summary or snippet whose lines are cut: its words run on past its box.
CUT = """
[...document.querySelectorAll('.hit .summary, .hit .snippet')]
  .filter(p => p.scrollHeight > p.clientHeight + 1).map(p => p.textContent.slice(0, 60))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[str]:
    with service(
        tmp_path_factory.mktemp("results-200"), {"RATE_LIMIT": "off"}, prepare=seeded_server
    ) as base:
        yield base


@pytest.mark.parametrize(
    "question", ["my son is close to going into care", "we foster a girl who pushes us away"]
)
def test_with_the_text_at_200_percent_no_match_or_question_is_cut_from_a_result(
    site: str, browser: Browser, question: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{site}/?q={question.replace(' ', '+')}")
    asked = page.locator(".hit .snippet .asked").first
    expect(asked).to_have_text("Helps answer:")
    # At the usual size a result is read at a glance: its lines are cut, its matches not.
    assert page.evaluate(CUT) != []
    assert page.evaluate(HIDDEN_MARKS) == []
    adopt(page, ROOT_200)
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    # Two lines at 32 px in the results' column held some 60 characters: the matches in a
    # summary's third line, and most of each question, were cut from view.
    assert page.evaluate(HIDDEN_MARKS) == []
    assert page.evaluate(CUT) == []
    fits(page)
    accessible(page)
    asked.scroll_into_view_if_needed()
    shoot(page, path=tmp_path_factory.mktemp("shots") / "results-root-200.png")
    context.close()


def test_on_a_phone_with_the_text_at_200_percent_years_and_related_case_studies_fit(
    site: str, browser: Browser
) -> None:
    context = browser.new_context(viewport=SIZES["phone"], java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/?q=care")
    adopt(page, ROOT_200)
    page.locator("#group-published summary").click()
    # "From" and "To" side by side ran 56 px past the screen's edge: "To" now goes below.
    expect(page.get_by_label("To", exact=True)).to_be_visible()
    fits(page)
    page.goto(f"{site}/case-studies/{READ}")
    expect(page.get_by_role("heading", name="Related case studies")).to_be_visible()
    adopt(page, ROOT_200)
    # A related case study's evidence level, kept on one line, ran 38 px past the edge
    # ("Independently evaluat…"); it wraps inside itself only when it is wider than the column.
    fits(page)
    context.close()


def test_at_a_desk_a_related_case_study_s_date_and_evidence_level_each_stay_whole(
    site: str, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/case-studies/{READ}")
    parts = page.locator(".reads .meta > span:not(:first-child)")
    expect(parts.first).to_be_visible()
    # Each on one line ("Outcomes / measured" split read as two things): as inline text,
    # "February 2019" and "Independently evaluated" broke in two at this width.
    lines = parts.evaluate_all(
        "spans => spans.map(s => new Set([...s.getClientRects()].map(r => Math.round(r.top))).size)"
    )
    assert set(lines) == {1}, lines
    context.close()
