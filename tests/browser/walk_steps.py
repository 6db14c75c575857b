"""What a consultant does on the audits and walk pages, as steps the browser tests share.

Labels and keys come from `datawalk/ui/pages/audits.py`, `datawalk/ui/locations.py`,
`datawalk/ui/capture.py` and `datawalk/ui/photos.py`; option names from the UK schools checklist.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from rig import Taps, choice, expect_run, wait_idle

AUDITOR = "A. Consultant (fictional)"
TEMPLATE = "Pupil medication in the shared staff fridge"
# Lower case on purpose: the identifier scan looks for capitalised names.
SCRIPT_NOTES = (
    "allergy poster by the hatch <script>alert('dw-script')</script> "
    "<img src=x onerror=\"alert('dw-img')\"> ok 🍎"
)
FULL_FINDING = [
    ("Data categories", "Food allergy or intolerance"),
    ("Format", "Poster or wall display"),
    ("Identifiability", "Full name and photo"),
    ("Detail shown", "Allergen or condition with action"),
    ("Visible to", "Visitors, public and contractors"),
    ("Visible to", "Pupils"),
    ("Needed by", "Midday supervisors"),
    ("Reach", "Within 5 minutes"),
    ("Controls present", "Dated, with a review date"),
    ("Evidence", "Document seen"),
    ("Need override", "4"),
]
REVIEW_DATE = ("Review date shown", "01092026", "2026-09-01")


def query(page: Page) -> dict[str, str]:
    """The page URL's query params, one value each."""
    return {key: values[0] for key, values in parse_qs(urlparse(page.url).query).items()}


def is_selected(option: Locator) -> bool:
    return "true" in (option.get_attribute("aria-pressed"), option.get_attribute("aria-checked"))


def select(tap: Taps, page: Page, label: str, option: str) -> None:
    """Make sure `option` is chosen, tapping only when it is not already."""
    target = choice(page, label, option)
    if not is_selected(target):
        tap(target)
    assert is_selected(choice(page, label, option)), f"{label}: {option} is not selected"


def pick_from_list(tap: Taps, page: Page, label: str, option: str, *, in_form: bool) -> None:
    """Open a selectbox with a tap and tap one of its options (which inside a form runs
    nothing until the form is submitted)."""
    field = page.get_by_role("combobox", name=label)
    tap(field, reruns=False)
    if not _opened(field):
        # Seen on both iPad sizes: the first tap on a list below a text field sometimes only
        # moves the focus. A person taps again; the second tap is counted, and must open it.
        tap(field, reruns=False)
        assert _opened(field), f"{label}: the list did not open after a second tap"
    tap(page.get_by_role("option", name=option, exact=True), reruns=not in_form)


def _opened(field: Locator, timeout_ms: int = 3_000) -> bool:
    try:
        field.page.wait_for_function(
            "(field) => field.getAttribute('aria-expanded') === 'true'",
            arg=field.element_handle(),
            timeout=timeout_ms,
        )
    except PlaywrightTimeoutError:
        return False
    return True


def create_audit(tap: Taps, page: Page, school: str) -> str:
    """Start an audit on the audits page; returns its id from the walk page's URL."""
    # With no audits yet the form is already open, and a tap would close it.
    if not page.get_by_label("School name").is_visible():
        tap(page.get_by_text("Start a new audit", exact=True), reruns=False)
    page.get_by_label("School name").fill(school)
    page.get_by_label("Auditor").fill(AUDITOR)
    tap(page.get_by_role("button", name="Create audit"))
    page.wait_for_url("**/walk?**")
    wait_idle(page)
    audit_id = query(page).get("audit")
    assert audit_id, page.url
    return audit_id


def add_location(tap: Taps, page: Page, name: str, location_type: str) -> str:
    """Add a location on the walk page (it becomes the current one); returns its id."""
    if not page.get_by_label("Location name").is_visible():
        tap(page.get_by_text("Add a location", exact=True), reruns=False)
    page.get_by_label("Location name").fill(name)
    pick_from_list(tap, page, "Location type", location_type, in_form=True)
    tap(page.get_by_role("button", name="Add location"))
    page.wait_for_url("**location=**")
    # The add closes the form: until then the page may still show the old one, inert.
    page.get_by_label("Location name").wait_for(state="hidden")
    wait_idle(page)
    return query(page)["location"]


def save(tap: Taps, page: Page) -> str:
    """Tap Save and return the reference in the one confirmation (F-001 …): a box, no toast."""
    tap(page.get_by_role("button", name="Save finding"))
    confirmation = page.get_by_text("Saved F-", exact=False)
    confirmation.first.wait_for()
    assert confirmation.count() == 1, confirmation.all_inner_texts()
    assert page.locator('[data-testid="stToast"]').count() == 0
    return confirmation.first.inner_text().split("Saved ", 1)[1].split()[0]


def finding_cards(page: Page) -> Locator:
    return page.locator('[data-testid="stMain"] [class*="st-key-finding_"]')


def type_date(tap: Taps, page: Page, label: str, day_month_year: str) -> None:
    """Type a date (ddmmyyyy) into a date field's segments, as the iPad's number pad would."""
    field = page.locator('[data-testid="stDateInput"]').filter(has_text=label)
    tap(field.get_by_role("spinbutton").first, reruns=False)
    page.keyboard.type(day_month_year)
    # Focus moves on to the field's calendar button: the field keeps the date, and the app gets
    # it with the next run, so no run is waited for here, only the date the field shows.
    page.keyboard.press("Tab")
    year = field.get_by_role("spinbutton", name=f"year, {label}", exact=True)
    assert year.get_attribute("aria-valuetext") == day_month_year[4:], field.inner_text()


def make_jpeg(path: Path) -> Path:
    """A small fictional photo of a noticeboard: stripes and boxes, no faces."""
    image = Image.new("RGB", (480, 360), (236, 226, 198))
    draw = ImageDraw.Draw(image)
    for top in range(40, 320, 40):
        draw.rectangle((40, top, 440, top + 18), fill=(60, 90, 140))
    draw.rectangle((300, 60, 420, 160), outline=(180, 40, 40), width=6)
    image.save(path, "JPEG", quality=85)
    return path


def upload_photo(tap: Taps, page: Page, photo: Path) -> None:
    """Add a photo through the uploader, tick it as checked and caption it."""
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    with expect_run(page, "uploading a photo"):
        uploader.set_input_files(str(photo))
    # The checkbox input itself is visually hidden; a finger lands on its label.
    checked = page.get_by_text("I have checked this photo", exact=True)
    tap(checked)
    box = page.get_by_role("checkbox", name="I have checked this photo", exact=True)
    assert box.is_checked()
    caption = page.get_by_role("textbox", name="Caption", exact=True)
    caption.fill("noticeboard by the hatch")
    with expect_run(page, "entering the caption"):
        caption.press("Enter")
