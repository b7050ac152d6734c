# Differential helper: loads raw programs into the running kernel (root, BPF) and prints its verdict next to
# lwtemu's. Input: lines "PROGTYPE VERDICT HEXINSN,HEXINSN,..." as written by
#   ./mvnw -pl ebpf test -Dtest=VerifierFuzzTest#dumpForKernelComparison -Dverifier.dump=F [-Dverifier.structured=true]
# Usage: python3 kernel_load.py < F   (map index 0 = ARRAY 4/16/16, 1 = HASH 8/8/16, as in the dump)
# Loads raw BPF programs into the kernel and prints verdicts: input lines "TYPE HEX..." (insns as 16 hex chars each)
import ctypes, os, sys, struct
libc = ctypes.CDLL(None, use_errno=True)
SYS_bpf = 321
def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 256)
    r = libc.syscall(SYS_bpf, cmd, buf, len(attr))
    return r, ctypes.get_errno()
def map_create(mtype, ks, vs, n):
    attr = struct.pack('IIII', mtype, ks, vs, n)
    r, e = bpf(0, attr)
    assert r >= 0, e
    return r
maps = [map_create(2, 4, 16, 16), map_create(1, 8, 8, 16)]
def load(ptype, insns):
    out = []
    for i, x in enumerate(insns):
        op = x & 0xff; src = (x >> 12) & 0xf
        if op == 0x18 and src in (1, 2) and i + 1 < len(insns):
            idx = (x >> 32) & 0xffffffff
            if idx < len(maps):
                x = (x & 0xffffffff) | (maps[idx] << 32)
            else:
                x = (x & 0xffffffff) | (999 << 32)
        out.append(x & 0xffffffffffffffff)
    code = b''.join(struct.pack('<Q', x) for x in out)
    cbuf = ctypes.create_string_buffer(code, len(code))
    lic = ctypes.create_string_buffer(b'GPL')
    log = ctypes.create_string_buffer(1 << 22)
    attr = struct.pack('IIQQIIQI', ptype, len(out), ctypes.addressof(cbuf), ctypes.addressof(lic), 1, len(log), ctypes.addressof(log), 0)
    r, e = bpf(5, attr)
    text = log.value.decode(errors='replace').strip().splitlines()
    if r >= 0:
        os.close(r)
        return 'ACCEPT', ''
    lines = [l for l in text if l and not l.startswith('processed') and not l.startswith('verification time') and not l.startswith('stack depth') and not l[0].isdigit() and not l.startswith(';') and not l.startswith('from ') and not l.startswith('mark_precise') and not l.startswith('func#') and not l.startswith('last_idx') and not l.startswith('parent')]
    return 'REJECT', (lines[0] if lines else 'errno %d' % e)
for line in sys.stdin:
    parts = line.split()
    if not parts: continue
    ptype = int(parts[0]); mine = parts[1]; insns = [int(h, 16) for h in parts[2].split(',')]
    v, msg = load(ptype, insns)
    print(v, mine, msg.replace(' ', '_') if msg else '-', parts[2])
