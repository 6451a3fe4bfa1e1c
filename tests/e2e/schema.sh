#!/usr/bin/env bash
# scenarios/schema.json against what it describes: every shipped scenario
# (scenarios/*.json), every e2e scenario and docs/scenario.md's examples validate; a few scenarios the loader
# refuses for reasons the schema can express are refused by it too; and the keys of
# docs/scenario.md's reference ("### `section`" headings, tables whose first column is
# "key") are exactly the schema's properties. Needs python3 with jsonschema
# (Debian: python3-jsonschema, see scripts/setup-debian.sh).
source "$(dirname "$0")/lib.bash"

python3 -c 'import jsonschema' 2>/dev/null ||
  fail "python3 cannot import jsonschema: install python3-jsonschema (scripts/setup-debian.sh)"

python3 - "$SRC" <<'PY'
import glob, json, os, re, sys
import jsonschema

src = sys.argv[1]
schema_path = os.path.join(src, "scenarios", "schema.json")
schema = json.load(open(schema_path))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failed = []

# 1. Every shipped and e2e scenario is valid.
files = sorted(glob.glob(os.path.join(src, "scenarios", "*.json")) +
               glob.glob(os.path.join(src, "tests", "e2e", "scenarios", "*.json")))
files = [f for f in files if os.path.basename(f) != "schema.json"]
if len(files) < 10:
    failed.append(f"only {len(files)} scenario files found")
for f in files:
    errors = sorted(validator.iter_errors(json.load(open(f))), key=lambda e: list(e.path))
    for e in errors[:3]:
        failed.append(f"{os.path.relpath(f, src)}: {'/'.join(map(str, e.path))}: {e.message[:200]}")
    print(f"schema: {os.path.relpath(f, src)}: {'ok' if not errors else 'INVALID'}")

# The complete scenarios shown in docs/scenario.md are valid too.
doc = open(os.path.join(src, "docs", "scenario.md"), encoding="utf-8").read()
examples = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", doc, re.S)]
examples = [e for e in examples if isinstance(e, dict) and "topology" in e]
if len(examples) < 2:
    failed.append(f"docs/scenario.md: {len(examples)} complete example scenarios, expected 2+")
for i, e in enumerate(examples):
    for err in list(validator.iter_errors(e))[:3]:
        failed.append(f"docs/scenario.md example {i}: {err.message[:200]}")

# 2. What the schema must refuse (the loader refuses them too: tests/bad-scenarios).
def scenario(workload=None, **sections):
    s = {"topology": {"hosts": 4, "vms_per_host": 2, "nics_per_vm": 1}, "plugins": [],
         "workload": workload if workload is not None else {"rate_per_s": 1},
         "run": {"duration": "1s"}}
    s.update(sections)
    return s
bad = {
    "poisson without rate": scenario({"type": "poisson"}),
    "poisson rate 0": scenario({"rate_per_s": 0}),
    "population with poisson": scenario({"rate_per_s": 1, "population": 2}),
    "rate with closed": scenario({"type": "closed", "population": 2, "rate_per_s": 1}),
    "closed without population": scenario({"type": "closed"}),
    "drain without hosts": scenario({"type": "drain"}),
    "drain duplicate hosts": scenario({"type": "drain", "hosts": [1, 1]}),
    "drain host range with a dash": scenario({"type": "drain", "hosts": ["1-3"]}),
    "drain host range with leading zero": scenario({"type": "drain", "hosts": ["01..3"]}),
    "extends a number": {"extends": 3},
    "extends empty": {"extends": ""},
    "extends with an unknown key": {"extends": "a.json", "topolgy": {}},
    "ramp without stages": scenario({"type": "ramp"}),
    "ramp empty stages": scenario({"type": "ramp", "stages": []}),
    "trace without file": scenario({"type": "trace"}),
    "file with ramp": scenario({"type": "ramp", "file": "x.csv",
                                "stages": [{"duration": "1s", "target_rate_per_s": 1}]}),
    "unknown workload type": scenario({"type": "open", "rate_per_s": 1}),
    "target_host without fixed": scenario(migration={"target_host": 1}),
    "fixed without target_host": scenario(migration={"placement": "fixed"}),
    "max_per_host 0": scenario(migration={"max_per_host": 0}),
    "cpus 0": scenario(topology={"hosts": 2, "vms_per_host": 1, "nics_per_vm": 1,
                                 "cpus_per_host": 0}),
    "one host migrating": scenario(topology={"hosts": 1, "vms_per_host": 1, "nics_per_vm": 1}),
    "segments unknown": scenario(wfp={"segments": "per_nic"}),
    "oversize unknown": scenario(ndis={"oversize": "truncate"}),
    "empirical values and file": scenario(
        migration={"precopy": {"dist": "empirical", "values": ["1s"], "file": "a.csv"}}),
    "old key transfer": scenario({"rate_per_s": 1, "transfer": "1ms"}),
    "old key max_requests": scenario({"rate_per_s": 1, "max_requests": 1}),
}
good = {
    "one host saving locally": scenario({"type": "closed", "population": 1,
                                         "operation": "local_save_restore"},
                                        topology={"hosts": 1, "vms_per_host": 1,
                                                  "nics_per_vm": 1}),
    "fixed target": scenario(migration={"placement": "fixed", "target_host": 0}),
    "empirical file": scenario(migration={"precopy": {"dist": "empirical", "file": "a.csv"}}),
    "ramp from 0": scenario({"type": "ramp", "stages": [{"duration": "1s",
                                                         "target_rate_per_s": 1}]}),
    "trace": scenario({"type": "trace", "file": "t.csv", "max_operations": 3}),
    "drain host ranges": scenario({"type": "drain", "hosts": [0, "2..3", "1..1"]}),
    "extends, nothing else": {"extends": "quickstart.json"},
    "extends with a whole section": {"extends": "quickstart.json", "run": {"duration": "5s"}},
}
for name, inst in bad.items():
    if validator.is_valid(inst):
        failed.append(f"the schema accepts a bad scenario: {name}")
for name, inst in good.items():
    for e in list(validator.iter_errors(inst))[:1]:
        failed.append(f"the schema refuses a good scenario: {name}: {e.message[:200]}")

# 3. docs/scenario.md's key reference == the schema's properties.
def deref(node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node

def object_of(node):
    """The object schema node describes, following $ref and array items, or None."""
    node = deref(node)
    if node.get("type") == "array" and "items" in node:
        node = deref(node["items"])
    return node if "properties" in node else None

def schema_keys(node, prefix):
    keys = set()
    for name, sub in node["properties"].items():
        if sub is False:
            continue
        path = prefix + name
        keys.add(path)
        obj = object_of(sub)
        if obj is not None:
            is_array = deref(sub).get("type") == "array"
            keys |= schema_keys(obj, path + ("[i]." if is_array else "."))
    return keys

doc_keys, section = set(), None
in_key_table = False
for line in open(os.path.join(src, "docs", "scenario.md"), encoding="utf-8"):
    m = re.match(r"^###\s+(.*?)\s*$", line)
    if m:
        title = m.group(1)
        sm = re.fullmatch(r"`([A-Za-z0-9_.\[\]]+)`", title)
        section = "" if title == "Top level" else (sm.group(1) if sm else None)
        in_key_table = False
        continue
    if line.startswith("## "):
        section, in_key_table = None, False
        continue
    if section is None or not line.startswith("|"):
        in_key_table = in_key_table and line.startswith("|")
        continue
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if cells and cells[0] == "key":
        in_key_table = True
        continue
    if not in_key_table or set(cells[0]) <= set("-: "):
        continue
    km = re.fullmatch(r"`([A-Za-z0-9_$]+)`", cells[0])
    if not km:
        failed.append(f"docs/scenario.md: a key table row without a `key`: {line.strip()[:80]}")
        continue
    doc_keys.add((section + "." if section else "") + km.group(1))

want = schema_keys(schema, "")
for k in sorted(want - doc_keys):
    failed.append(f"in schema.json, not in docs/scenario.md's reference: {k}")
for k in sorted(doc_keys - want):
    failed.append(f"in docs/scenario.md's reference, not in schema.json: {k}")
print(f"schema: {len(want)} keys in the schema, {len(doc_keys)} in the docs")

for f in failed:
    print("FAIL:", f, file=sys.stderr)
sys.exit(1 if failed else 0)
PY
echo "ok"
