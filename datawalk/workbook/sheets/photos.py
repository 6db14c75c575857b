"""The Photos sheet (leadership edition only): a thumbnail of about 300 px of every checked photo,
embedded beside its finding reference, location and caption. The stored photos were redacted at
intake; one still awaiting a person's check (an imported photo, say) is listed without its image,
since detectors miss small faces and nobody here has looked yet.
"""

from __future__ import annotations

import io

from xlsxwriter.workbook import Workbook

from datawalk.workbook.data import WorkbookData
from datawalk.workbook.fit import row_points
from datawalk.workbook.layout import PHOTOS
from datawalk.workbook.plans import THUMB_SIZE, thumbnail
from datawalk.workbook.styles import Styles, put, set_up_page

PX_PER_POINT = 4 / 3
PHOTO_COL = 3
AWAITING_REVIEW = "Photo awaiting review in DataWalk: not exported until a person checks it."


def write_photos(workbook: Workbook, styles: Styles, data: WorkbookData) -> int:
    """Write the sheet and return how many images it embeds."""
    sheet = workbook.add_worksheet(PHOTOS)
    for col, header in enumerate(["Reference", "Location", "Caption", "Photo"]):
        put(sheet, 0, col, header, styles.header)
    sheet.set_column(0, 0, 11)
    sheet.set_column(1, 1, 24)
    sheet.set_column(2, 2, 40)
    sheet.set_column_pixels(PHOTO_COL, PHOTO_COL, THUMB_SIZE + 12)
    row, embedded = 1, 0
    for view in data.findings:
        for _ in range(view.photos_awaiting_review):
            put(sheet, row, 0, view.reference, styles.top)
            put(sheet, row, 1, view.location.name if view.location else "", styles.wrap)
            put(sheet, row, 2, AWAITING_REVIEW, styles.wrap)
            where = view.location.name if view.location else ""
            height = row_points([(where, 24), (AWAITING_REVIEW, 40)])
            if height is not None:
                sheet.set_row(row, height)
            row += 1
        for photo in view.exportable_photos:
            picture = thumbnail(photo.data, photo.media_type)
            put(sheet, row, 0, view.reference, styles.top)
            put(sheet, row, 1, view.location.name if view.location else "", styles.wrap)
            put(sheet, row, 2, photo.caption or "(no caption)", styles.wrap)
            sheet.set_row_pixels(row, picture.height + 12)
            sheet.insert_image(
                row,
                PHOTO_COL,
                f"photo-{photo.id}.{picture.extension}",
                {
                    "image_data": io.BytesIO(picture.data),
                    "x_offset": 6,
                    "y_offset": 6,
                    "object_position": 1,
                    "description": f"Photo for {view.reference}: {photo.caption}"[:250],
                },
            )
            row += 1
            embedded += 1
    if row == 1:
        put(sheet, 1, 0, "No photos were taken on this walk.", styles.top)
    sheet.freeze_panes(1, 0)
    set_up_page(sheet, data.marking, title=PHOTOS)
    return embedded
