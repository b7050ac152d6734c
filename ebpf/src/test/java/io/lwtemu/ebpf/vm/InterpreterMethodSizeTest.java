package io.lwtemu.ebpf.vm;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HotSpot never JIT-compiles a method with more than 8000 bytes of bytecode (-XX:HugeMethodLimit): an
 * interpreter loop that grows past it silently runs 10-20 times slower. This keeps the run loop below.
 */
class InterpreterMethodSizeTest {
    private static final int HUGE_METHOD_LIMIT = 8000;

    @Test
    void shouldKeepRunLoopSmallEnoughForTheJitCompiler() throws IOException {
        assertThat(codeLength(Interpreter.class, "execute")).isBetween(1, HUGE_METHOD_LIMIT - 500);
    }

    /** Bytecode length of the named method, read from the class file (JVMS chapter 4). */
    static int codeLength(Class<?> type, String method) throws IOException {
        try (InputStream raw = type.getResourceAsStream(type.getSimpleName() + ".class");
             DataInputStream in = new DataInputStream(raw)) {
            in.readInt();
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1: utf8[i] = in.readUTF(); break;
                    case 5: case 6: in.skipBytes(8); i++; break;
                    case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18: in.skipBytes(4); break;
                    case 7: case 8: case 16: case 19: case 20: in.skipBytes(2); break;
                    case 15: in.skipBytes(3); break;
                    default: throw new IOException("constant pool tag " + tag);
                }
            }
            in.skipBytes(6);
            in.skipBytes(2 * in.readUnsignedShort());
            for (int f = in.readUnsignedShort(); f > 0; f--) {
                in.skipBytes(6);
                skipAttributes(in);
            }
            for (int m = in.readUnsignedShort(); m > 0; m--) {
                in.skipBytes(2);
                String name = utf8[in.readUnsignedShort()];
                in.skipBytes(2);
                for (int a = in.readUnsignedShort(); a > 0; a--) {
                    String attr = utf8[in.readUnsignedShort()];
                    int len = in.readInt();
                    if (name.equals(method) && attr.equals("Code")) {
                        in.skipBytes(4);
                        return in.readInt();
                    }
                    in.skipBytes(len);
                }
            }
            return -1;
        }
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        for (int a = in.readUnsignedShort(); a > 0; a--) {
            in.skipBytes(2);
            in.skipBytes(in.readInt());
        }
    }
}
