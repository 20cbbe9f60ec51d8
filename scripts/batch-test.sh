#!/bin/bash
# The host-side test of denalictl's batches (denalictl -b): the words of a
# line, comments and quoting, the line a failure is reported at, stopping
# at it and going on with --force, and the exit status. elf-check and help
# need no module, so the build machine runs it.
#
#   scripts/batch-test.sh DENALICTL    prints "batch_test: N cases, F failed"
set -uo pipefail
d=$1
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0 bad=0
expect() { # NAME GOT WANT
	n=$((n + 1))
	if [ "$2" != "$3" ]; then
		bad=$((bad + 1))
		printf 'batch_test: %s: got [%s], want [%s]\n' "$1" "$2" "$3"
	fi
}
mkdir "$t/a dir"
echo junk > "$t/a dir/x y"
# Lines 4 and 5 name a file with blanks (not an ELF image: they fail),
# line 6 a file that does not exist.
cat > "$t/b" <<B
# a comment line

   help start   # a comment after words
elf-check "$t/a dir/x y"
elf-check '$t/a dir'/x\ y
elf-check $t/nosuch
help stop
B
out=$("$d" -b "$t/b" 2>&1)
expect "exit status of a batch that fails" "$?" 1
expect "stops at the failure, says where" "$(echo "$out" | grep -c ": command failed")" 1
expect "... at line 4" "$(echo "$out" | grep -c "b:4: command failed")" 1
expect "nothing after the failure ran" "$(echo "$out" | grep -c "^Usage: denalictl stop")" 0
expect "the line before ran" "$(echo "$out" | grep -c "^Usage: denalictl start")" 1
out=$("$d" --force -b "$t/b" 2>&1)
expect "--force: the status of the first failure" "$?" 1
expect "--force: went on after it" "$(echo "$out" | grep -c "^Usage: denalictl stop")" 1
expect "--force: every failure named" "$(echo "$out" | grep -c ": command failed")" 3
expect "--force: the quoted names reached the command whole" "$(echo "$out" | grep -c "a dir/x y: not an ELF")" 2
out=$(printf 'help stop\n"unterminated\n' | "$d" -b - 2>&1)
expect "an unterminated quote is a usage error" "$?" 2
expect "... at its line of stdin" "$(echo "$out" | grep -c -- "-:2: unterminated quote")" 1
out=$(printf '\n# nothing\n' | "$d" -b - 2>&1)
expect "an empty batch succeeds" "$?:$out" "0:"
"$d" -b "$t/b" list > /dev/null 2>&1
expect "a batch with a subcommand is a usage error" "$?" 2
"$d" --force list > /dev/null 2>&1
expect "--force without a batch is a usage error" "$?" 2
"$d" -b "$t/nosuch" > /dev/null 2>&1
expect "a missing batch file" "$?" 1
echo "batch_test: $n cases, $bad failed"
[ "$bad" -eq 0 ]
