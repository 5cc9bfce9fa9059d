"""URL block lists: the UT1 lists and banned URL words datatrove's ``URLFilter`` uses, shipped
compactly inside the package (no download at run time)."""
