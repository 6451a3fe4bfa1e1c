# A 2 MiB plugin path (any string is limited to 1 MiB): too big to commit, so made here.
{
    printf '{\n  "topology": {"hosts": 2, "vms_per_host": 1, "nics_per_vm": 1},\n'
    printf '  "plugins": [{"name": "p", "path": "'
    head -c 2097152 /dev/zero | tr '\0' p
    printf '"}],\n  "workload": {"rate_per_s": 10},\n  "run": {"duration": "1s"}\n}\n'
} >scenario.json
