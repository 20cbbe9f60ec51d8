#!/bin/bash
# Validates the YNL spec of the "denali" family against the kernel's genetlink
# schema and checks that its commands and attributes match uapi/linux/denali.h.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$1
O=${2:-$top/build}
mkdir -p "$O"
/usr/bin/python3 - "$top" "$kdir" > "$O/results-ynl.txt" <<'PY'
import re, sys, yaml, jsonschema
top, kdir = sys.argv[1], sys.argv[2]
spec = yaml.safe_load(open(f"{top}/Documentation/netlink/specs/denali.yaml"))
schema = yaml.safe_load(open(f"{kdir}/Documentation/netlink/genetlink.yaml"))
try:
    jsonschema.validate(spec, schema)
    print("PASS ynl spec validates against genetlink.yaml")
except jsonschema.ValidationError as e:
    print(f"FAIL ynl spec validates against genetlink.yaml: {e.message}")
hdr = open(f"{top}/uapi/linux/denali.h").read()
def enum(name):
    body = re.search(r"enum %s \{(.*?)\};" % name, hdr, re.S).group(1)
    return [m for m in re.findall(r"^\s*(DENALI_\w+)", body, re.M) if not m.startswith("__")]
want_attrs = [a.replace("DENALI_A_", "").lower().replace("_", "-") for a in enum("denali_attr")[1:]]
got_attrs = [a["name"] for a in spec["attribute-sets"][0]["attributes"]]
print(("PASS" if want_attrs == got_attrs else "FAIL") + " ynl attributes match denali.h" +
      ("" if want_attrs == got_attrs else f": {want_attrs} != {got_attrs}"))
want_ops = [c.replace("DENALI_CMD_", "").lower().replace("_", "-") for c in enum("denali_cmd")[1:]]
got_ops = [o["name"] for o in spec["operations"]["list"]]
print(("PASS" if want_ops == got_ops else "FAIL") + " ynl operations match denali.h" +
      ("" if want_ops == got_ops else f": {want_ops} != {got_ops}"))
PY
sed 's/^PASS /ok - /; s/^FAIL /not ok - /' "$O/results-ynl.txt"
! grep -q '^FAIL' "$O/results-ynl.txt"
