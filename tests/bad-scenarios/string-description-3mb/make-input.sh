# A 3 MB description (the limit is 64 KiB): too big to commit, so made here.
{
    printf '{\n  "description": "'
    head -c 3000000 /dev/zero | tr '\0' d
    printf '",\n  "topology": {"hosts": 2, "vms_per_host": 1, "nics_per_vm": 1},\n'
    printf '  "plugins": [],\n  "workload": {"rate_per_s": 10},\n  "run": {"duration": "1s"}\n}\n'
} >scenario.json
