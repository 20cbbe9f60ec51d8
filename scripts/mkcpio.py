#!/usr/bin/env python3
"""Writes a newc ("070701") cpio archive from a file list, without root.

    scripts/mkcpio.py LIST > ARCHIVE

LIST has one entry per line, in the format the kernel's usr/gen_init_cpio
reads (so that device nodes and owners need no privileges):

    dir   NAME MODE UID GID
    file  NAME SOURCE MODE UID GID
    slink NAME TARGET MODE UID GID
    nod   NAME MODE UID GID c|b MAJOR MINOR

Every modification time is 0 and inode numbers count up from 721, so the
same inputs give the same archive. Hard links are not needed and not made.
"""
import os
import stat
import sys

S_TYPES = {"dir": stat.S_IFDIR, "file": stat.S_IFREG, "slink": stat.S_IFLNK}


def header(out, ino, mode, uid, gid, nlink, size, rmaj, rmin, name):
    raw = name.encode() + b"\0"
    fields = (ino, mode, uid, gid, nlink, 0, size, 0, 0, rmaj, rmin, len(raw), 0)
    out.write(b"070701" + b"".join(b"%08x" % f for f in fields))
    out.write(raw)
    pad(out, 110 + len(raw))


def pad(out, n):
    out.write(b"\0" * (-n % 4))


class Counted:
    """The output stream, counting what went out (it may be a pipe)."""

    def __init__(self, stream):
        self.stream, self.n = stream, 0

    def write(self, data):
        self.stream.write(data)
        self.n += len(data)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: mkcpio.py LIST > ARCHIVE")
    out = Counted(sys.stdout.buffer)
    ino = 721
    with open(sys.argv[1]) as lst:
        for lineno, line in enumerate(lst, 1):
            f = line.split()
            if not f or f[0].startswith("#"):
                continue
            kind, name = f[0], f[1].lstrip("/")
            try:
                if kind == "dir":
                    mode, uid, gid = int(f[2], 8), int(f[3]), int(f[4])
                    header(out, ino, S_TYPES[kind] | mode, uid, gid, 2, 0, 0, 0, name)
                elif kind == "file":
                    mode, uid, gid = int(f[3], 8), int(f[4]), int(f[5])
                    with open(f[2], "rb") as src:
                        data = src.read()
                    header(out, ino, S_TYPES[kind] | mode, uid, gid, 1, len(data), 0, 0, name)
                    out.write(data)
                    pad(out, len(data))
                elif kind == "slink":
                    target = f[2].encode()
                    mode, uid, gid = int(f[3], 8), int(f[4]), int(f[5])
                    header(out, ino, S_TYPES[kind] | mode, uid, gid, 1, len(target), 0, 0, name)
                    out.write(target)
                    pad(out, len(target))
                elif kind == "nod":
                    mode, uid, gid = int(f[2], 8), int(f[3]), int(f[4])
                    typ = {"c": stat.S_IFCHR, "b": stat.S_IFBLK}[f[5]]
                    header(out, ino, typ | mode, uid, gid, 1, 0, int(f[6]), int(f[7]), name)
                else:
                    raise ValueError("unknown entry type '%s'" % kind)
            except (IndexError, KeyError, ValueError, OSError) as e:
                sys.exit("mkcpio: %s:%d: %s" % (sys.argv[1], lineno, e))
            ino += 1
    header(out, 0, 0, 0, 0, 1, 0, 0, 0, "TRAILER!!!")
    # end on a 512-byte boundary, as cpio(1) does
    out.write(b"\0" * (-out.n % 512))
    out.stream.flush()


if __name__ == "__main__":
    os.umask(0o022)
    main()
