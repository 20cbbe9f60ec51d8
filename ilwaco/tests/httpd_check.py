#!/usr/bin/env python3
# Checks a running httpd guest (or its tests/hostnet.c build) from outside: HTTP/1.1 behaviour and byte-exact pages.
"""Usage: httpd_check.py ADDR [PAGES_DIR]

ADDR is the server's address (port 80); PAGES_DIR the files that
`make -C ilwaco` writes into build/ilwaco/httpd-pages (the default).
Prints one line per check and ends with status 1 if any failed.
"""
import os
import socket
import struct
import sys
import time

HOST = sys.argv[1]
PAGES = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    os.path.dirname(__file__), '..', '..', 'build', 'ilwaco', 'httpd-pages')
fails = 0


def page(name):
    with open(os.path.join(PAGES, name), 'rb') as f:
        return f.read()


def gen(n):
    return bytes((i * 31 + (i >> 8) * 7 + (i >> 16)) & 0xff for i in range(n))


def conn():
    return socket.create_connection((HOST, 80), timeout=5)


def response(f, head=False):
    """(status, headers, body) of the next response, or None at EOF."""
    line = f.readline()
    if not line:
        return None
    status = int(line.split()[1])
    hdr = {}
    while True:
        line = f.readline().decode().rstrip('\r\n')
        if not line:
            break
        k, v = line.split(':', 1)
        hdr[k.lower()] = v.strip()
    body = b'' if head else f.read(int(hdr['content-length']))
    return status, hdr, body


def check(ok, what):
    global fails
    print(('ok   ' if ok else 'FAIL ') + what)
    fails += not ok


def main():
    # Keep-alive: several requests on one connection.
    s = conn()
    f = s.makefile('rb')
    for path, name, ctype in [('/', 'index.html', 'text/html'), ('/hello.txt', 'hello.txt', 'text/plain'),
                              ('/style.css', 'style.css', 'text/css'),
                              ('/big.bin', 'big.bin', 'application/octet-stream')]:
        s.sendall(f'GET {path} HTTP/1.1\r\nHost: x\r\n\r\n'.encode())
        st, h, b = response(f)
        check(st == 200 and b == page(name) and h['content-type'].startswith(ctype)
              and h['connection'] == 'keep-alive', f'keep-alive GET {path}: {st}, {len(b)} bytes')
    s.sendall(b'GET /nope HTTP/1.1\r\n\r\n')
    st, h, b = response(f)
    check(st == 404 and h['connection'] == 'keep-alive', f'404 keeps the connection: {st}')
    s.close()

    # Pipelining: five requests in one write.
    s = conn()
    f = s.makefile('rb')
    s.sendall(b''.join(f'GET {p} HTTP/1.1\r\n\r\n'.encode()
                       for p in ['/hello.txt', '/big.bin', '/gen/100000', '/x', '/index.html']))
    got = [(r[0], len(r[2])) for r in (response(f) for _ in range(5))]
    check(got == [(200, 29), (200, 65536), (200, 100000), (404, 14), (200, 306)], f'pipelined: {got}')
    s.close()

    # HEAD, then a GET on the same connection.
    s = conn()
    f = s.makefile('rb')
    s.sendall(b'HEAD /big.bin HTTP/1.1\r\n\r\nGET /hello.txt HTTP/1.1\r\n\r\n')
    st, h, _ = response(f, head=True)
    check(st == 200 and h['content-length'] == '65536', 'HEAD /big.bin')
    st, h, b = response(f)
    check(st == 200 and b == page('hello.txt'), 'GET after HEAD')
    s.close()

    # Statuses; errors close the connection, 405 (with a body to skip) does not.
    for req, want, closes in [
            (b'POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /hello.txt HTTP/1.1\r\n\r\n', [405, 200], False),
            (b'PUT /x HTTP/1.1\r\n\r\n', [405], False),
            (b'BREW / HTTP/1.1\r\n\r\n', [501], True),
            (b'\x16\x03\x01\x00garbage', [400], True),
            (b'GET / HTTP/2.0\r\n\r\n', [505], True),
            (b'GET / HTTP/1.0\r\n\r\n', [200], True),
            (b'GET / HTTP/1.1\r\nX: ' + b'a' * 3000 + b'\r\n\r\n', [431], True)]:
        s = conn()
        f = s.makefile('rb')
        s.sendall(req)
        got, allow = [], None
        for _ in want:
            r = response(f)
            if not r:
                break
            got.append(r[0])
            allow = r[1].get('allow', allow)
        closed = s.recv(100) == b'' if closes else True
        check(got == want and closed and (want[0] != 405 or allow == 'GET, HEAD'),
              f'{req[:24]!r}: {got}, closed {closed}')
        s.close()

    # Clients that go away mid-request and mid-response.
    for _ in range(30):
        s = conn()
        s.sendall(b'GET /big')
        s.close()
        s = conn()
        s.sendall(b'GET /gen/10000000 HTTP/1.1\r\n\r\n')
        s.recv(1000)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        s.close()
    time.sleep(1)

    # The connection cap: 12 served at once, the others get 503.
    socks = [conn() for _ in range(14)]
    time.sleep(0.3)
    for s in socks:
        s.sendall(b'GET /hello.txt HTTP/1.1\r\n\r\n')
    codes = []
    for s in socks:
        r = response(s.makefile('rb'))
        codes.append(r[0] if r else None)
        s.close()
    check(codes.count(200) >= 11 and codes.count(200) + codes.count(503) == 14, f'cap: {codes}')
    time.sleep(1)

    # Still whole after all that.
    s = conn()
    f = s.makefile('rb')
    s.sendall(b'GET /gen/1000000 HTTP/1.1\r\nConnection: close\r\n\r\n')
    st, h, b = response(f)
    check(st == 200 and b == gen(1000000) and h['connection'] == 'close', '/gen/1000000 byte-exact')
    s.close()
    print(f'httpd_check: {fails} failed')
    return fails != 0


if __name__ == '__main__':
    sys.exit(main())
