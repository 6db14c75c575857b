"""One module per workbook sheet; each exposes `write_<sheet>(workbook, styles, data)`."""
