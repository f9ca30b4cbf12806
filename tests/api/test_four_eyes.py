"""A second pair of eyes, through HTTP: whoever wrote or changed a submission or proposed
changes (an admin's key that submitted, an admin's key that changed a council's amendment, an
admin who changed a campaign case study in the browser) may not publish them; another moderator
may. Nothing is public meanwhile, and the review page says why it offers no Publish button."""

import re

from fastapi.testclient import TestClient

from app.core.content import CaseStudyFile
from testkit.factories import make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import Person
from tests.api.conftest import Keys, auth, submit
from tests.api.test_amendments import propose
from tests.api.test_campaign_changes import (
    NEW_SUMMARY,
    OLD,
    admin,
    changes_page,
    fields,
    moderator,
    open_draft,
    post,
    public_summary,
    settings,
    studies,
    text,
)

__all__ = ["admin", "moderator", "settings", "studies"]  # fixtures shared with that module
OWN = "another moderator must check"


def refused(answer_text: str, status: int, expected: int = 403) -> None:
    assert status == expected, answer_text
    assert OWN in " ".join(answer_text.split()), answer_text


def test_a_key_may_not_publish_the_submission_it_sent(client: TestClient, keys: Keys) -> None:
    sent = submit(client, keys.admin, make_draft(title="Quokka family hubs"))
    assert sent.status_code == 201, sent.text
    record = sent.json()
    own = client.post(f"/api/v1/moderation/{record['id']}/publish", headers=auth(keys.admin))
    refused(own.text, own.status_code)
    assert own.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/api/v1/case-studies/{record['slug']}").status_code == 404
    still = client.get(f"/api/v1/submissions/{record['id']}", headers=auth(keys.admin))
    assert still.json()["status"] == "submitted"

    other = client.post(f"/api/v1/moderation/{record['id']}/publish", headers=auth(keys.moderator))
    assert other.status_code == 200, other.text
    assert client.get(f"/api/v1/case-studies/{record['slug']}").status_code == 200


def test_a_key_that_changed_a_council_s_amendment_may_not_publish_it(
    client: TestClient, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft(title="Quokka kinship hub")).json()
    live = client.post(f"/api/v1/moderation/{record['id']}/publish", headers=auth(keys.moderator))
    assert live.status_code == 200
    opened = propose(client, keys.leeds, record, {"summary": "A council's own new words."})
    assert opened.status_code == 201, opened.text
    amendment = opened.json()
    url = f"/api/v1/amendments/{amendment['id']}"
    etag = client.get(url, headers=auth(keys.admin)).headers["etag"]
    changed = client.patch(
        url,
        json={"summary": "The admin's own words, which nobody else has read."},
        headers={**auth(keys.admin), "If-Match": etag},
    )
    assert changed.status_code == 200, changed.text

    publish = f"/api/v1/moderation/amendments/{amendment['id']}/publish"
    own = client.post(publish, headers=auth(keys.admin))
    refused(own.text, own.status_code)
    assert "nobody else" not in client.get(f"/api/v1/case-studies/{record['slug']}").text

    other = client.post(publish, headers=auth(keys.moderator))
    assert other.status_code == 200, other.text
    assert "nobody else" in client.get(f"/api/v1/case-studies/{record['slug']}").text


def test_an_admin_who_changed_a_campaign_case_study_sees_why_another_moderator_publishes(
    client: TestClient, smtp: SmtpServer, admin: Person, moderator: Person
) -> None:
    assert isinstance(OLD, CaseStudyFile)
    record_id, _ = changes_page(admin)
    where, version = open_draft(admin, record_id)
    post(admin, where, {**fields(summary=NEW_SUMMARY), "version": version, "action": "continue"})
    admin.get(f"{where}/check")
    assert post(admin, f"{where}/send", {}).status_code == 303

    waiting = admin.get("/moderation/amendments")
    amendment_id = int(re.findall(r'href="/moderation/amendments/(\d+)"', waiting.text)[0])
    base = f"/moderation/amendments/{amendment_id}"
    review = admin.get(base)
    assert review.status_code == 200
    refused(text(review.text), 403)  # the page says so ...
    assert f'action="{base}/publish"' not in review.text  # ... and offers no Publish button
    assert f'action="{base}/reject"' in review.text  # the other decisions stay open to them
    version = int(re.findall(r'name="version" value="(\d+)"', review.text)[0])

    confirm = admin.get(f"{base}/publish?version={version}")  # a bookmarked or typed address
    refused(text(confirm.text), confirm.status_code)
    admin.get(base)
    sent = post(admin, f"{base}/publish", {"version": version})
    refused(text(sent.text), sent.status_code)
    assert public_summary(client) == OLD.summary

    seen = moderator.get(base)
    assert OWN not in text(seen.text) and f'action="{base}/publish"' in seen.text
    moderator.get(f"{base}/publish?version={version}")
    assert post(moderator, f"{base}/publish", {"version": version}).status_code == 303
    assert public_summary(client) == NEW_SUMMARY
