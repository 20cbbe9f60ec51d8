#!/bin/sh
# The control-plane fuzzer in volume: 37-ctlfuzz with 1,000,000 messages
# and 1,000,000 ioctls from seed 2 on the plain kernel, where a message
# costs about 40 µs under TCG (1.5 ms on the debug kernel). 10 % of the
# requests may create, start, stop or destroy VMs and NICs (100,000 of
# them); the rest read (VM_GET, its dump, STATS) or are boundary and
# mutated versions of every kind. 37-ctlfuzz runs the full mix on the
# debug kernel; on the debug kernel (make check-svm) this case sends
# 100,000.
# denali-boot: volume
# denali-backends: svm
# denali-timeout: 3000
if [ "${DENALI_FLAVOUR:-plain}" = debug ]; then
	FUZZ_MESSAGES=${FUZZ_MESSAGES:-100000}
else
	FUZZ_MESSAGES=${FUZZ_MESSAGES:-1000000}
fi
FUZZ_IOCTLS=${FUZZ_IOCTLS:-1000000}
FUZZ_LIFE=${FUZZ_LIFE:-10}
FUZZ_SEEDS=${FUZZ_SEEDS:-2}
. /tests/cases/37-ctlfuzz.sh
