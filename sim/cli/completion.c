/*
 * completion.c: the bash completion script (help.h): the commands and their options from
 * the option tables, what each option's value is from its metavar, the --set keys and
 * their values from the scenario schema, the metric names from the catalogue. The
 * script's logic is fixed text; only its data is generated.
 */
#include <stdbool.h>
#include <string.h>

#include "cli/schema_doc.h"
#include "config/metric_names.h"

/* What a value is, for the script: file, dir, set (a --set KEY=VALUE), metric, words
 * (the metavar's own alternatives: "virtual|realtime"), or any (nothing to offer). */
static const char *value_kind(const char *metavar)
{
    if (!metavar)
        return "any";
    if (strstr(metavar, "FILE"))
        return "file";
    if (strstr(metavar, "DIR"))
        return "dir";
    if (strncmp(metavar, "KEY", 3) == 0)
        return "set";
    if (strcmp(metavar, "PATH") == 0 || strstr(metavar, "METRIC"))
        return "metric";
    if (strchr(metavar, '|') && strspn(metavar, "abcdefghijklmnopqrstuvwxyz_|") == strlen(metavar))
        return "words";
    return "any";
}

/* What the command's positional is: json (a scenario), so (a plugin), command, or any. */
static const char *operand_kind(const char *operand)
{
    if (!operand)
        return "any";
    if (strstr(operand, ".json"))
        return "json";
    if (strstr(operand, ".so"))
        return "so";
    if (strstr(operand, "COMMAND"))
        return "command";
    return "any";
}

/* A word the script may hold unquoted inside double quotes. */
static bool plain_word(const char *w)
{
    return w[0] &&
           strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:/+-") ==
               strlen(w);
}

static void command_data(FILE *out, const vs_cli_command *cmd)
{
    fprintf(out, "_vswitchsim_options[%s]=\"", cmd->name);
    for (const vs_cli_table *const *t = cmd->tables; t && *t; t++)
        for (const vs_cli_option *o = (*t)->options; o->name; o++)
            fprintf(out, "%s%s%s ", o->short_name ? o->short_name : "", o->short_name ? " " : "",
                    o->name);
    fputs("-h --help\"\n", out);
    fprintf(out, "_vswitchsim_operand[%s]=%s\n", cmd->name, operand_kind(cmd->operand));
    for (const vs_cli_table *const *t = cmd->tables; t && *t; t++)
        for (const vs_cli_option *o = (*t)->options; o->name; o++) {
            if (!vs_cli_takes_value(o))
                continue;
            const char *kind = value_kind(o->metavar);
            for (int s = 0; s < 2; s++) { /* the long name and the short */
                const char *name = s ? o->short_name : o->name;
                if (!name)
                    continue;
                fprintf(out, "_vswitchsim_values[\"%s %s\"]=\"%s%s", cmd->name, name, kind,
                        strcmp(kind, "words") == 0 ? " " : "");
                for (const char *p = o->metavar; strcmp(kind, "words") == 0 && *p; p++)
                    fputc(*p == '|' ? ' ' : *p, out);
                fputs("\"\n", out);
            }
        }
}

/* The --set keys: "topology." (keys below), "topology.hosts=" (a value); and the values
 * of those that have a few: an enum's, a boolean's. */
static void each_set_key(void *ctx, const char *path, const json_t *node, bool container)
{
    FILE *out = ctx;
    if (!strchr(path, '$') && !strchr(path, '\'')) /* "$schema" is for editors */
        fprintf(out, "%s%c\n", path, container ? '.' : '=');
}

static void each_set_value(void *ctx, const char *path, const json_t *node, bool container)
{
    FILE *out = ctx;
    const json_t *type = json_object_get(node, "type");
    if (container)
        return;
    if (json_is_string(type) && strcmp(json_string_value(type), "boolean") == 0) {
        fprintf(out, "_vswitchsim_set_values[%s]=\"true false\"\n", path);
        return;
    }
    size_t i, n = 0;
    const json_t *v;
    json_array_foreach(json_object_get(node, "enum"), i, v) {
        if (!json_is_string(v) || !plain_word(json_string_value(v)))
            continue;
        if (n++ == 0)
            fprintf(out, "_vswitchsim_set_values[%s]=\"%s", path, json_string_value(v));
        else
            fprintf(out, " %s", json_string_value(v));
    }
    if (n)
        fputs("\"\n", out);
}

/* The script's logic: fixed. Its data (above it in the file) says what is what. */
static const char script[] =
    "# The word being completed, whole: bash splits KEY=VALUE and A:B at COMP_WORDBREAKS.\n"
    "# Sets _vs_w (the word), _vs_i (the index of its first part), _vs_pre (what of it\n"
    "# bash keeps: the candidates lose it).\n"
    "_vswitchsim_word() {\n"
    "  _vs_i=$COMP_CWORD _vs_w=${COMP_WORDS[COMP_CWORD]}\n"
    "  while (( _vs_i > 1 )); do\n"
    "    local p=${COMP_WORDS[_vs_i-1]} c=${COMP_WORDS[_vs_i]}\n"
    "    [[ $c == [=:] || $p == [=:] ]] || break\n"
    "    _vs_w=$p$_vs_w; ((_vs_i--))\n"
    "  done\n"
    "  local breaks=${COMP_WORDBREAKS//[^=:]/}\n"
    "  _vs_pre=\n"
    "  [[ -n $breaks && $_vs_w == *[$breaks]* ]] && _vs_pre=${_vs_w%${_vs_w##*[$breaks]}}\n"
    "}\n"
    "\n"
    "# A --set path with its indices as '#': plugins.3.path -> plugins.#.path (in REPLY).\n"
    "_vswitchsim_generic() {\n"
    "  local rest=$1 seg\n"
    "  REPLY=\n"
    "  while [[ -n $rest ]]; do\n"
    "    seg=${rest%%.*}\n"
    "    [[ $seg =~ ^[0-9]+$ ]] && seg='#'\n"
    "    REPLY+=$seg\n"
    "    [[ $rest == *.* ]] || break\n"
    "    REPLY+=.; rest=${rest#*.}\n"
    "  done\n"
    "}\n"
    "\n"
    "# Bare plugin names: the .so files of the line's --plugin-path folders, then of those\n"
    "# the program looks in (VSWITCHSIM_PLUGIN_PATH's, the built-in one).\n"
    "_vswitchsim_plugin_names() {\n"
    "  local dirs=() d f j IFS=$'\\n'\n"
    "  for ((j = 1; j + 1 < ${#COMP_WORDS[@]}; j++)); do\n"
    "    [[ ${COMP_WORDS[j]} == --plugin-path ]] && dirs+=(\"${COMP_WORDS[j+1]}\")\n"
    "  done\n"
    "  dirs+=($(\"${COMP_WORDS[0]}\" help --plugin-dirs 2> /dev/null))\n"
    "  REPLY=\n"
    "  for d in \"${dirs[@]}\"; do\n"
    "    for f in \"$d\"/*.so; do\n"
    "      [[ -f $f ]] && f=${f##*/} && REPLY+=\" ${f%.so}\"\n"
    "    done\n"
    "  done\n"
    "}\n"
    "\n"
    "# KEY or KEY=VALUE of --set: the keys one level down, or the values a key takes.\n"
    "_vswitchsim_set() {\n"
    "  local cur=$1 out=() k rest dir=\n"
    "  if [[ $cur == *=* ]]; then\n"
    "    local key=${cur%%=*} words\n"
    "    _vswitchsim_generic \"$key\"\n"
    "    words=${_vswitchsim_set_values[$REPLY]}\n"
    "    if [[ $REPLY == plugins.#.path ]]; then _vswitchsim_plugin_names; words=$REPLY; fi\n"
    "    COMPREPLY=($(compgen -P \"$key=\" -W \"$words\" -- \"${cur#*=}\"))\n"
    "    return\n"
    "  fi\n"
    "  [[ $cur == *.* ]] && dir=${cur%.*}.\n"
    "  _vswitchsim_generic \"$dir\"\n"
    "  for k in $_vswitchsim_set_keys; do\n"
    "    [[ $k == \"$REPLY\"* ]] || continue\n"
    "    rest=${k#\"$REPLY\"}\n"
    "    [[ -n $rest && ${rest%?} != *.* ]] || continue\n"
    "    rest=${rest/#\\#/0}\n"
    "    [[ $dir$rest == \"$cur\"* ]] && out+=(\"$dir$rest\")\n"
    "  done\n"
    "  COMPREPLY=(\"${out[@]}\")\n"
    "  compopt -o nospace 2> /dev/null\n"
    "}\n"
    "\n"
    "# Files with a suffix, and folders to reach them.\n"
    "_vswitchsim_files() {\n"
    "  local IFS=$'\\n'\n"
    "  COMPREPLY=($(compgen -f -X \"!*$1\" -- \"$2\") $(compgen -d -- \"$2\"))\n"
    "  compopt -o filenames 2> /dev/null\n"
    "}\n"
    "\n"
    "_vswitchsim_value() { # $1: what the value is, $2: the word\n"
    "  local IFS=$' \\t\\n'\n"
    "  case $1 in\n"
    "    file) _vswitchsim_files '' \"$2\" ;;\n"
    "    dir) IFS=$'\\n' COMPREPLY=($(compgen -d -- \"$2\")); compopt -o filenames 2> /dev/null "
    ";;\n"
    "    set) _vswitchsim_set \"$2\" ;;\n"
    "    metric) COMPREPLY=($(compgen -W \"$_vswitchsim_metrics\" -- \"$2\")) ;;\n"
    "    words\\ *) COMPREPLY=($(compgen -W \"${1#words }\" -- \"$2\")) ;;\n"
    "    json) _vswitchsim_files .json \"$2\" ;;\n"
    "    so) _vswitchsim_files .so \"$2\" ;;\n"
    "    command) COMPREPLY=($(compgen -W \"$_vswitchsim_commands\" -- \"$2\")) ;;\n"
    "    *) COMPREPLY=() ;;\n"
    "  esac\n"
    "}\n"
    "\n"
    "_vswitchsim() {\n"
    "  local _vs_w _vs_i _vs_pre REPLY\n"
    "  COMPREPLY=()\n"
    "  _vswitchsim_word\n"
    "  local cmd=${COMP_WORDS[1]} prev=${COMP_WORDS[_vs_i-1]}\n"
    "  if (( _vs_i == 1 )) && [[ $_vs_w == -* ]]; then\n"
    "    COMPREPLY=($(compgen -W \"--help --version\" -- \"$_vs_w\"))\n"
    "  elif (( _vs_i == 1 )); then\n"
    "    COMPREPLY=($(compgen -W \"$_vswitchsim_commands\" -- \"$_vs_w\"))\n"
    "  elif [[ -z ${_vswitchsim_options[$cmd]} ]]; then\n"
    "    return 0\n"
    "  elif [[ -n ${_vswitchsim_values[$cmd $prev]} ]]; then\n"
    "    _vswitchsim_value \"${_vswitchsim_values[$cmd $prev]}\" \"$_vs_w\"\n"
    "  elif [[ $_vs_w == -* ]]; then\n"
    "    COMPREPLY=($(compgen -W \"${_vswitchsim_options[$cmd]}\" -- \"$_vs_w\"))\n"
    "  else\n"
    "    _vswitchsim_value \"${_vswitchsim_operand[$cmd]}\" \"$_vs_w\"\n"
    "  fi\n"
    "  [[ -n $_vs_pre ]] && COMPREPLY=(\"${COMPREPLY[@]#\"$_vs_pre\"}\")\n"
    "  return 0\n"
    "}\n"
    "complete -F _vswitchsim vswitchsim\n";

static void metrics(FILE *out)
{
    char name[VS_METRIC_NAME_MAX];
    fputs("_vswitchsim_metrics=\"", out);
    for (size_t i = 0; vs_metric_name(i, name); i++)
        fprintf(out, "%s%s", i ? " " : "", name);
    fputs("\"\n", out);
}

int vs_cli_write_completion(const char *schema_path, FILE *out, char err[VS_HELP_ERR_MAX])
{
    json_t *root = vs_schema_doc_load(schema_path, err);
    if (!root)
        return -1;
    fputs("# bash completion for vswitchsim(1). Generated by `vswitchsim help --completion`\n"
          "# from the commands' option tables and the scenario schema: do not edit.\n\n",
          out);
    fputs("_vswitchsim_commands=\"", out);
    for (const vs_cli_command *const *c = vs_cli_commands; *c; c++)
        fprintf(out, "%s%s", c == vs_cli_commands ? "" : " ", (*c)->name);
    fputs("\"\n# Each command's options; what each option's value is; what its operand is.\n"
          "declare -gA _vswitchsim_options=() _vswitchsim_values=() _vswitchsim_operand=()\n",
          out);
    for (const vs_cli_command *const *c = vs_cli_commands; *c; c++)
        command_data(out, *c);
    fputs("# The --set keys: \"x.\" has keys below, \"x=\" takes a value ('#': an index).\n"
          "_vswitchsim_set_keys='\n",
          out);
    vs_schema_doc_keys(root, each_set_key, out);
    fputs("'\ndeclare -gA _vswitchsim_set_values=()\n", out);
    vs_schema_doc_keys(root, each_set_value, out);
    metrics(out);
    fputs("\n", out);
    fputs(script, out);
    json_decref(root);
    return 0;
}
