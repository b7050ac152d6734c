package io.lwtemu.ebpf.runtime;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.helpers.LwtHelpers;
import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.loader.BpfObject;
import io.lwtemu.ebpf.loader.ProgArraySlot;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.ProgArrayMap;
import io.lwtemu.ebpf.verifier.VerifierException;
import io.lwtemu.ebpf.vm.BpfExecutable;
import io.lwtemu.ebpf.vm.Interpreter;
import io.lwtemu.ebpf.vm.JitCompiler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An opened object whose programs can be verified and prepared to run. */
public final class LoadedObject {
    private final BpfObject object;
    /** Where the verdicts on this object's programs and their compiled classes are kept. */
    private final ProgramCache.ObjectEntry cached;
    private final Map<BpfProgram, LoadedProgram> prepared = new HashMap<>();
    private boolean slotTargetsPrepared;

    LoadedObject(BpfObject object, ProgramCache.ObjectEntry cached) {
        this.object = object;
        this.cached = cached;
    }

    public BpfObject object() {
        return object;
    }

    public List<BpfProgram> programs() {
        return object.programs();
    }

    public Map<String, BpfMap> maps() {
        return object.maps();
    }

    /** The program in {@code sectionOrName} (a section name, or a function name as bpftool shows it). */
    public BpfProgram program(String sectionOrName) {
        return object.programInSection(sectionOrName)
                .or(() -> object.program(sectionOrName))
                .orElseThrow(() -> new BpfLoadException(object.path() + ": no program in section or named '"
                        + sectionOrName + "' (have: " + describePrograms() + ")"));
    }

    /**
     * Verifies the program for its type and prepares it to run; the same program is prepared once. The first
     * program prepared also prepares the targets of the prog array slots the object initialises.
     *
     * @throws ProgramRejectedException with the verifier's message and log
     */
    public LoadedProgram prepare(String sectionOrName) {
        return prepare(program(sectionOrName));
    }

    public LoadedProgram prepare(BpfProgram program) {
        LoadedProgram loaded;
        synchronized (this) {
            loaded = prepared.get(program);
            if (loaded == null) {
                loaded = verify(program);
                prepared.put(program, loaded);
                fillProgArraySlots(program);
            }
        }
        prepareProgArrayTargets();
        return loaded;
    }

    /**
     * Verifies (or finds the verdict on the same bytecode) and prepares the engine: an interpreter bound to this
     * load's maps, and the compiled class, shared by every load of the object, instantiated with them.
     */
    private LoadedProgram verify(BpfProgram p) {
        HelperProto[] helpers = LwtHelpers.forType(p.type());
        ProgramCache.Verdict verdict = cached.verdict(p, helpers);
        VerifierException rejection = verdict.rejection();
        if (rejection != null) {
            throw new ProgramRejectedException(object.path() + ": section " + p.section() + ": program "
                    + p.name() + " rejected by the verifier: " + rejection.getMessage(), rejection);
        }
        Interpreter interpreter = new Interpreter(p, helpers);
        BpfExecutable engine = interpreter;
        if (JitCompiler.enabled()) {
            JitCompiler.JitClass jit = verdict.jit(interpreter);
            if (jit != null) {
                engine = jit.instantiate(interpreter);
            }
        }
        return new LoadedProgram(p, engine, verdict.result());
    }

    /**
     * libbpf fills the prog array slots an object declares ({@code .values}) after loading its programs; here
     * the first prepared program prepares (verifies) every slot target, and each target enters its slots as
     * soon as it is verified, so tail calls reach it whichever program runs first.
     */
    private void prepareProgArrayTargets() {
        synchronized (this) {
            if (slotTargetsPrepared) {
                return;
            }
            slotTargetsPrepared = true;
        }
        for (ProgArraySlot slot : object.progArraySlots()) {
            BpfProgram target = object.program(slot.program()).orElseThrow(() -> new BpfLoadException(
                    object.path() + ": prog array '" + slot.map() + "'[" + slot.index() + "]: no program '"
                            + slot.program() + "'"));
            try {
                prepare(target);
            } catch (ProgramRejectedException e) {
                synchronized (this) {
                    slotTargetsPrepared = false; // a later prepare reports it again
                }
                throw new ProgramRejectedException("initial value of prog array '" + slot.map() + "'["
                        + slot.index() + "]: " + e.getMessage(), (VerifierException) e.getCause());
            }
        }
    }

    private void fillProgArraySlots(BpfProgram program) {
        for (ProgArraySlot slot : object.progArraySlots()) {
            if (!slot.program().equals(program.name())) {
                continue;
            }
            ProgArrayMap map = progArray(slot.map());
            int rc = map.setProgram(slot.index(), program);
            if (rc != 0) {
                throw new BpfLoadException(object.path() + ": cannot set prog array '" + slot.map() + "'["
                        + slot.index() + "] to " + program.name() + " (errno " + -rc + ")");
            }
        }
    }

    private ProgArrayMap progArray(String mapName) {
        BpfMap map = object.map(mapName).orElseThrow(() -> new BpfLoadException(object.path()
                + ": no map named '" + mapName + "' (have: " + String.join(", ", object.maps().keySet()) + ")"));
        if (!(map instanceof ProgArrayMap progArray)) {
            throw new BpfLoadException(object.path() + ": map '" + mapName + "' is " + map.type()
                    + ", not PROG_ARRAY");
        }
        return progArray;
    }

    /**
     * Puts {@code target}'s program at {@code index} of the PROG_ARRAY map {@code mapName}, as user space does
     * before tail calls can reach it.
     */
    public void setTailCall(String mapName, int index, String target) {
        ProgArrayMap progArray = progArray(mapName);
        LoadedProgram prog = prepare(target);
        int rc = progArray.setProgram(index, prog.program());
        if (rc != 0) {
            throw new BpfLoadException(object.path() + ": cannot set " + mapName + "[" + index + "] (errno " + -rc + ")");
        }
    }

    private String describePrograms() {
        StringBuilder sb = new StringBuilder();
        for (BpfProgram p : object.programs()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(p.section()).append(" (").append(p.name()).append(')');
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
