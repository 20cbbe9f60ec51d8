#!/bin/sh
# The control plane as a supervisor uses it: create, list, show, destroy, events.
. /tests/vm/lib.sh

load_denali || { fail "load" "insmod failed"; exit 0; }

denalictl monitor > "$CASE_TMP/events" 2>&1 &
mon=$!
denalictl monitor -j > "$CASE_TMP/events.json" 2>&1 &
monj=$!
sleep 1

check "create with defaults" denalictl create web1
check "create with --mem 32M" denalictl create web2 --mem 32M
check "create with an image" denalictl create hello1 --mem 16MiB --image /guests/hello.elf
check_output "list shows all three" "web1" denalictl list
check "list -j names all three" sh -c 'j=$(denalictl list -j); for n in web1 web2 hello1; do echo "$j" | grep -q "\"name\": *\"$n\"" || exit 1; done'
check_output "default memory is 16 MiB" '"mem_size": ?16777216[,} ]' denalictl show web1 -j
check_output "--mem 32M is 32 MiB" '"mem_size": ?33554432[,} ]' denalictl show web2 -j
check_output "a new VM is in state created" '"state": ?"created"' denalictl show web1 -j
check_output "a VM without image has no page" '"resident_pages": ?0[,} ]' denalictl show web1 -j
check_output "the image's entry point is recorded" '"entry": ?1048576[,} ]' denalictl show hello1 -j

# The image's pages are resident and hold the ELF's bytes.
pages=$(denalictl show hello1 -j | sed -n 's/.*"resident_pages": *\([0-9]*\).*/\1/p')
if [ -n "$pages" ] && [ "$pages" -ge 1 ] && [ "$pages" -le 8 ]; then
	pass "image resident pages are few ($pages)"
else
	fail "image resident pages are few" "resident_pages=$pages"
fi
total=$(denalictl stats -j | sed -n 's/.*"resident_pages": *\([0-9]*\).*/\1/p')
if [ "$total" = "$pages" ]; then pass "module-wide resident pages add up"; else fail "module-wide resident pages add up" "stats $total, VMs $pages"; fi
check_output "stats count three VMs" '"vms": ?3[,} ]' denalictl stats -j

check "destroy web1" denalictl destroy web1
check "web1 is gone" sh -c '! denalictl list | grep -qw web1'
check "destroy hello1" denalictl destroy hello1
check_output "its pages are freed" '"resident_pages": ?0[,} ]' denalictl stats -j
check "a name is free again after destroy" denalictl create web1
check "destroy web1 again" denalictl destroy web1
check "destroy web2" denalictl destroy web2

sleep 1
kill $mon $monj 2>/dev/null
wait $mon $monj 2>/dev/null
check_output "monitor -j prints one JSON object per event" '^[{]"event":"created","id":[0-9]+,"name":"web1","state":"created"' cat "$CASE_TMP/events.json"
check_output "monitor -j names destroyed VMs" '^[{]"event":"destroyed","id":[0-9]+,"name":"hello1"' cat "$CASE_TMP/events.json"
for ev in "created web1" "created web2" "created hello1" "destroyed web1" "destroyed hello1" "destroyed web2"; do
	check_output "monitor saw '$ev'" "$ev" cat "$CASE_TMP/events"
done
check_output "monitor saw web1 created twice" "2" sh -c 'grep -c "created web1" '"$CASE_TMP/events"

# Many VMs, dumped in one list (the dump resumes across messages).
# (one denalictl for the 300: a fork and an exec cost much under emulation)
check "300 VMs created" denalictl -b "$(each_vm many 300 create --mem 2M)"
check_output "list -j shows all 300" '^300$' sh -c 'denalictl list -j | grep -o "\"name\"" | wc -l'
check_output "stats count 300" '"vms": ?300[,} ]' denalictl stats -j
check "300 VMs destroyed" denalictl -b "$(each_vm many 300 destroy)"
check_output "all destroyed" '"vms": ?0[,} ]' denalictl stats -j

unload_denali
