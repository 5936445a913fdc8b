"""The coordinator's work list in a real browser: filtering, choosing applications and assigning
them to a reviewer in one go (the list is a kept fragment; the form it posts to is not)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from grants.models import ReviewAssignment
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, enable_totp
from tests.factories import ApplicationFactory, AreaRoleFactory, GrantCallFactory, OrganisationFactory, area

pytestmark = pytest.mark.browser


def test_the_coordinator_chooses_applications_and_assigns_them_to_a_reviewer(new_ui):
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__preferred_language="en").user
    reviewer = AreaRoleFactory.reviewer(area=area("05"), user__full_name="Rita Reviewer").user
    call = GrantCallFactory(area=area("05"))
    chosen = [
        ApplicationFactory.submitted(call=call, organisation=OrganisationFactory.in_area("05", name_fi=name))
        for name in ("Aamun Yhdistys ry", "Illan Yhdistys ry")
    ]
    ApplicationFactory.submitted(call=call, organisation=OrganisationFactory.in_area("05", name_fi="Yön Yhdistys ry"))

    staff_ui = new_ui()
    staff = log_in(staff_ui, coordinator.email, PASSWORD, totp_secret=enable_totp(coordinator))
    staff_ui.goto("/workspace/areas/05/applications/")
    expect(staff.get_by_role("heading", name="3 applications")).to_be_visible()
    staff_ui.check()
    staff.get_by_label("Choose the application of Aamun Yhdistys ry").check()
    staff.get_by_label("Choose the application of Illan Yhdistys ry").check()
    staff.get_by_label("Assign the chosen applications to").select_option(label="Rita Reviewer")
    staff.get_by_role("button", name="Assign", exact=True).click()
    staff_ui.check()
    expect(staff.get_by_text("2 applications were assigned to Rita Reviewer.")).to_be_visible()
    assert set(ReviewAssignment.objects.filter(reviewer=reviewer).values_list("application", flat=True)) == {
        application.pk for application in chosen
    }
    # Back on the list, with the same list shown again (kept) and a fresh form to post to.
    expect(staff.get_by_role("heading", name="3 applications")).to_be_visible()
    staff.get_by_label("Choose the application of Yön Yhdistys ry").check()
    staff.get_by_role("button", name="Assign", exact=True).click()
    staff_ui.check()
    assert ReviewAssignment.objects.filter(reviewer=reviewer).count() == 3
