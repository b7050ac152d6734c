package io.lwtemu.ebpf.loader;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;

import java.util.ArrayList;
import java.util.List;

/** Test {@link MapProvider}: records every request and hands out {@link StubMap}s. */
public final class RecordingMapProvider implements MapProvider {
    /** One create call as the loader made it. */
    public record Request(MapDefinition definition, byte[] initialValue) {
    }

    public final List<Request> requests = new ArrayList<>();

    @Override
    public BpfMap create(MapDefinition definition, byte[] initialValue) {
        requests.add(new Request(definition, initialValue));
        return new StubMap(definition, initialValue);
    }

    /** A map that only remembers its definition and initial value; the loader never touches elements. */
    public static final class StubMap extends BpfMap {
        public final byte[] initialValue;

        public StubMap(MapDefinition definition, byte[] initialValue) {
            super(definition);
            this.initialValue = initialValue;
        }

        @Override
        public long lookupElem(byte[] key, int keyOffset, int cpu) {
            return 0;
        }

        @Override
        public int updateElem(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags, int cpu) {
            return 0;
        }

        @Override
        public int deleteElem(byte[] key, int keyOffset) {
            return 0;
        }

        @Override
        public byte[] lookup(byte[] key) {
            return null;
        }

        @Override
        public int update(byte[] key, byte[] value, long flags) {
            return 0;
        }

        @Override
        public int delete(byte[] key) {
            return 0;
        }

        @Override
        public byte[] nextKey(byte[] key) {
            return null;
        }
    }
}
