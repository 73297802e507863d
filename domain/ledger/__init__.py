"""The case ledger (台账): the cases of a filter as one row each, out to XLSX or CSV and back in.

- columns: the columns a bureau keeps, their fixed headers in Chinese and English, and the
  words each vocabulary column accepts;
- rows: the cases of a filter, read in batches, each as one row of values;
- export: the file (XLSX or CSV) with its header block, written without holding the result in
  memory, and the record of who exported what;
- reading: an uploaded or given file back into rows (XLSX or CSV, UTF-8 or GB 18030);
- importing: every row checked, then all of them imported as cases, or none.
"""
