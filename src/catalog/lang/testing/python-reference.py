# Lists installed distributions of one directory with the reference implementation,
# importlib.metadata, as JSON: used by python.test.ts to check Bulkhead's own parsing.
import importlib.metadata as m
import json
import os
import sys

out = []
for d in m.distributions(path=[sys.argv[1]]):
    own_list = d.read_text('RECORD') is not None or d.read_text('installed-files.txt') is not None
    files = None
    if own_list and d.files is not None:
        files = sorted(os.path.normpath(str(d.locate_file(f))) for f in d.files)
    out.append({
        'path': str(d._path),
        'name': d.metadata['Name'],
        'version': d.version,
        'license': d.metadata.get('License-Expression') or d.metadata.get('License'),
        'summary': d.metadata.get('Summary'),
        'files': files,
    })
json.dump(out, sys.stdout)
