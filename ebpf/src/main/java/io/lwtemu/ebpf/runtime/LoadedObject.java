package io.lwtemu.ebpf.runtime;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.helpers.LwtHelpers;
import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.loader.BpfObject;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.ProgArrayMap;
import io.lwtemu.ebpf.verifier.Verifier;
import io.lwtemu.ebpf.verifier.VerifierEnv;
import io.lwtemu.ebpf.verifier.VerifierException;
import io.lwtemu.ebpf.verifier.VerifierResult;
import io.lwtemu.ebpf.vm.Interpreter;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** An opened object whose programs can be verified and prepared to run. */
public final class LoadedObject {
    private final BpfObject object;
    private final Map<BpfProgram, LoadedProgram> prepared = new ConcurrentHashMap<>();

    LoadedObject(BpfObject object) {
        this.object = object;
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
     * Verifies the program for its type and prepares it to run; the same program is prepared once.
     *
     * @throws ProgramRejectedException with the verifier's message and log
     */
    public LoadedProgram prepare(String sectionOrName) {
        return prepare(program(sectionOrName));
    }

    public LoadedProgram prepare(BpfProgram program) {
        return prepared.computeIfAbsent(program, p -> {
            HelperProto[] helpers = LwtHelpers.forType(p.type());
            VerifierResult result;
            try {
                result = Verifier.verify(p, VerifierEnv.forType(p.type(), id -> id >= 0 && id < helpers.length
                        ? helpers[id] : null));
            } catch (VerifierException e) {
                throw new ProgramRejectedException(object.path() + ": section " + p.section() + ": program "
                        + p.name() + " rejected by the verifier: " + e.getMessage(), e);
            }
            return new LoadedProgram(p, new Interpreter(p, helpers), result);
        });
    }

    /**
     * Puts {@code target}'s program at {@code index} of the PROG_ARRAY map {@code mapName}, as user space does
     * before tail calls can reach it.
     */
    public void setTailCall(String mapName, int index, String target) {
        BpfMap map = object.map(mapName).orElseThrow(() -> new BpfLoadException(object.path()
                + ": no map named '" + mapName + "' (have: " + String.join(", ", object.maps().keySet()) + ")"));
        if (!(map instanceof ProgArrayMap progArray)) {
            throw new BpfLoadException(object.path() + ": map '" + mapName + "' is " + map.type()
                    + ", not PROG_ARRAY");
        }
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
