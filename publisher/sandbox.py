"""No network for the processes that evaluate SPARQL: SERVICE is impossible by construction.

Oxigraph evaluates `SERVICE <url> {...}` by fetching the URL, and pyoxigraph has no switch to
turn that off. Refusing SERVICE by reading the query first needs a parser that agrees with
Oxigraph's to the last character (a comment ending in `\\r` fooled one), so the guarantee is
put where it cannot be argued with: the process that runs queries installs a seccomp filter
under which `socket(2)` and `connect(2)` fail with EPERM, for every thread, for good. A query
can then read the store and nothing else. The filter is plain classic BPF, installed with the
`seccomp(2)` system call through ctypes (Linux on x86-64 and arm64); elsewhere
`deny_network` says it could not, and callers fall back to refusing any query that spells
SERVICE at all.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct
import sys

#: (audit arch, seccomp, socket, connect) system call numbers per machine
_ARCHES = {
    "x86_64": (0xC000003E, 317, 41, 42),
    "aarch64": (0xC00000B7, 277, 198, 203),
}
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC = 1, 1
_LD_W_ABS, _JEQ_K, _RET_K = 0x20, 0x15, 0x06
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_installed = False


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _program(arch: int, socket_nr: int, connect_nr: int) -> bytes:
    """arch == ours? then socket/connect -> EPERM, anything else allowed; another arch: EPERM."""
    deny = _RET_ERRNO | errno.EPERM
    code = [
        (_LD_W_ABS, 0, 0, 4),           # 0: A = seccomp_data.arch
        (_JEQ_K, 0, 4, arch),           # 1: another ABI (x32, i386...): deny everything below
        (_LD_W_ABS, 0, 0, 0),           # 2: A = seccomp_data.nr
        (_JEQ_K, 2, 0, socket_nr),      # 3: socket -> 6
        (_JEQ_K, 1, 0, connect_nr),     # 4: connect -> 6
        (_RET_K, 0, 0, _RET_ALLOW),     # 5
        (_RET_K, 0, 0, deny),           # 6
    ]
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in code)


def deny_network() -> bool:
    """Make this process (all its threads, and children it starts) unable to open a socket.

    True once installed (again: no-op); False where the system cannot, and nothing changed."""
    global _installed
    if _installed:
        return True
    arch = _ARCHES.get(platform.machine()) if sys.platform == "linux" else None
    if arch is None:
        return False
    audit_arch, seccomp_nr, socket_nr, connect_nr = arch
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    code = _program(audit_arch, socket_nr, connect_nr)
    buffer = ctypes.create_string_buffer(code, len(code))
    program = _Program(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    result = libc.syscall(seccomp_nr, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC,
                          ctypes.byref(program))
    _installed = bool(result == 0)
    return _installed


def network_denied() -> bool:
    return _installed
