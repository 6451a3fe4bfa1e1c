# A scenario file of 65 MiB (the limit is 64 MiB), refused before it is read.
{
    printf '{"description": "'
    head -c 68157440 /dev/zero | tr '\0' x
    printf '"}\n'
} >scenario.json
