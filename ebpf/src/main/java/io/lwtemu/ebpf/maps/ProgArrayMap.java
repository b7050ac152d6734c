package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.vm.Interpreter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * {@code BPF_MAP_TYPE_PROG_ARRAY}: the jump table of {@code bpf_tail_call}. Keys and values are 4 bytes:
 * the key is the slot index, the user-side value is a program fd (on update) or program id (on lookup).
 * Programs cannot look up or change it (the kernel's verifier refuses that; here the calls fail).
 *
 * <p>Like the kernel, the first program stored fixes the map's program type ("owner"); programs of another
 * type are refused with {@code -EINVAL}. Each slot caches the prepared {@link Interpreter} of its program,
 * so a tail call costs a slot read, not a decode.
 */
public final class ProgArrayMap extends BpfMap {
    private static final AtomicInteger NEXT_PROGRAM_ID = new AtomicInteger(1);

    /** A stored program and its interpreter, prepared on the first tail call. */
    private static final class Slot {
        final BpfProgram program;
        final int id;
        volatile Interpreter prepared;

        Slot(BpfProgram program, int id) {
            this.program = program;
            this.id = id;
        }
    }

    private final AtomicReferenceArray<Slot> slots;
    private volatile ProgramType owner;
    private volatile IntFunction<BpfProgram> programsByFd;

    public ProgArrayMap(MapDefinition definition) {
        super(definition);
        if (definition.keySize() != 4 || definition.valueSize() != 4) {
            throw new IllegalArgumentException("prog array '" + definition.name()
                    + "' needs key and value size 4, got " + definition.keySize() + "/" + definition.valueSize());
        }
        if (definition.maxEntries() <= 0) {
            throw new IllegalArgumentException("prog array '" + definition.name() + "' needs max_entries > 0");
        }
        slots = new AtomicReferenceArray<>(definition.maxEntries());
    }

    /** How user-side {@link #update} turns a value (a program fd) into a program; without it updates fail. */
    public void setProgramResolver(IntFunction<BpfProgram> programsByFd) {
        this.programsByFd = programsByFd;
    }

    /** Puts {@code program} at {@code index} with a fresh program id; 0, -E2BIG or -EINVAL (type mismatch). */
    public int setProgram(int index, BpfProgram program) {
        return setProgram(index, program, NEXT_PROGRAM_ID.getAndIncrement());
    }

    /** Puts {@code program} at {@code index}; {@code id} is what user-side lookups return. */
    public int setProgram(int index, BpfProgram program, int id) {
        if (index < 0 || index >= slots.length()) {
            return -Errno.E2BIG;
        }
        synchronized (this) {
            if (owner == null) {
                owner = program.type();
            } else if (owner != program.type()) {
                return -Errno.EINVAL;
            }
        }
        slots.set(index, new Slot(program, id));
        return 0;
    }

    /** Empties slot {@code index}; 0, -ENOENT when already empty, -E2BIG when out of range. */
    public int clearProgram(int index) {
        if (index < 0 || index >= slots.length()) {
            return -Errno.E2BIG;
        }
        return slots.getAndSet(index, null) != null ? 0 : -Errno.ENOENT;
    }

    /** The program at {@code index}, or null. */
    public BpfProgram program(int index) {
        Slot s = index >= 0 && index < slots.length() ? slots.get(index) : null;
        return s == null ? null : s.program;
    }

    /**
     * The prepared interpreter of the program at {@code index} for a tail call made by a program using
     * {@code helpers}, or null when the slot is empty or out of range.
     */
    public Interpreter interpreter(long index, HelperProto[] helpers) {
        if (index < 0 || index >= slots.length()) {
            return null;
        }
        Slot s = slots.get((int) index);
        if (s == null) {
            return null;
        }
        Interpreter prepared = s.prepared;
        if (prepared == null || !prepared.usesHelpers(helpers)) {
            prepared = new Interpreter(s.program, helpers);
            s.prepared = prepared;
        }
        return prepared;
    }

    // ---- program side: not allowed ----------------------------------------------------------------

    @Override
    public long lookupElem(byte[] key, int keyOffset, int cpu) {
        return 0;
    }

    @Override
    public int updateElem(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags, int cpu) {
        return -Errno.EOPNOTSUPP;
    }

    @Override
    public int deleteElem(byte[] key, int keyOffset) {
        return -Errno.EOPNOTSUPP;
    }

    // ---- user side --------------------------------------------------------------------------------

    @Override
    public byte[] lookup(byte[] key) {
        int index = index(key);
        Slot s = index >= 0 && index < slots.length() ? slots.get(index) : null;
        return s == null ? null : le32(s.id);
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        if (key == null || key.length != 4 || value == null || value.length != 4) {
            return -Errno.EINVAL;
        }
        if (flags != BPF_ANY) {
            return -Errno.EINVAL;
        }
        int index = index(key);
        if (index < 0 || index >= slots.length()) {
            return -Errno.E2BIG;
        }
        int fd = index(value);
        IntFunction<BpfProgram> resolver = programsByFd;
        BpfProgram program = resolver == null ? null : resolver.apply(fd);
        if (program == null) {
            return -Errno.EBADF;
        }
        return setProgram(index, program, fd);
    }

    @Override
    public int delete(byte[] key) {
        if (key == null || key.length != 4) {
            return -Errno.EINVAL;
        }
        int index = index(key);
        if (index < 0 || index >= slots.length()) {
            return -Errno.E2BIG;
        }
        return clearProgram(index);
    }

    @Override
    public byte[] nextKey(byte[] key) {
        int max = slots.length();
        if (key == null || key.length != 4) {
            return le32(0);
        }
        long index = index(key) & 0xffffffffL;
        if (index >= max) {
            return le32(0);
        }
        return index == max - 1 ? null : le32((int) index + 1);
    }

    @Override
    public void close() {
        for (int i = 0; i < slots.length(); i++) {
            slots.set(i, null);
        }
        super.close();
    }

    private static int index(byte[] b) {
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}
