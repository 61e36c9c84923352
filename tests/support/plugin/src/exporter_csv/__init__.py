"""The specs exporter loads through this package's entry points: light, nothing heavy here."""

from exporter.formats import ReaderSpec, TransformSpec, WriterSpec

READER = ReaderSpec(
    "csv",
    "exporter_csv.reader:read",
    (".csv",),
    description="a CSV file as a table",
)
WRITER = WriterSpec(
    "txt",
    "exporter_csv.writer:write",
    ".txt",
    "text/plain",
    description="plain text, one paragraph per block",
)
TRANSFORM = TransformSpec(
    "upper-titles",
    "exporter_csv.transform:upper_titles",
    description="chapter titles in capitals",
)
