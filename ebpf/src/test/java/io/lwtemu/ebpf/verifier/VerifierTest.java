package io.lwtemu.ebpf.verifier;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.prog.ProgramType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.isa.Opcodes.*;
import static io.lwtemu.ebpf.prog.ProgramType.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifierTest {

    static VerifierResult accept(Asm a, ProgramType type, BpfMap... maps) {
        return Verifier.verify(a.build(type, maps), Asm.env(type));
    }

    static void reject(Asm a, ProgramType type, String message, BpfMap... maps) {
        BpfProgram p = a.build(type, maps);
        assertThatThrownBy(() -> Verifier.verify(p, Asm.env(type)))
                .isInstanceOf(VerifierException.class)
                .hasMessage(message);
    }

    @Nested
    class Structure {
        @Test
        void shouldAcceptMinimalProgram() {
            VerifierResult r = accept(Asm.prog().ret0(), LWT_IN);
            assertThat(r.processedInsns()).isEqualTo(2);
            assertThat(r.log().get(r.log().size() - 1)).startsWith("processed 2 insns (limit 1000000)");
        }

        @Test
        void shouldRejectUnknownOpcode() {
            reject(Asm.prog().raw(Insn.make(0xff, 0, 0, 0, 0)).ret0(), LWT_IN, "insn 0: unknown opcode ff");
        }

        @Test
        void shouldRejectInvalidRegister() {
            reject(Asm.prog().mov(11, 1).ret0(), LWT_IN, "insn 0: R11 is invalid");
        }

        @Test
        void shouldRejectWriteToFramePointer() {
            reject(Asm.prog().mov(10, 1).ret0(), LWT_IN, "insn 0: frame pointer is read only");
        }

        @Test
        void shouldRejectReservedFields() {
            reject(Asm.prog().raw(Insn.make(BPF_ALU64 | BPF_ADD | BPF_K, 0, 3, 0, 1)).ret0(), LWT_IN,
                    "insn 0: BPF_ALU uses reserved fields");
            reject(Asm.prog().raw(Insn.make(BPF_ALU64 | BPF_MOV | BPF_K, 0, 1, 0, 1)).exit(), LWT_IN,
                    "insn 0: BPF_MOV uses reserved fields");
        }

        @Test
        void shouldRejectMalformedLdImm64() {
            reject(Asm.prog().mov(0, 0).exit().raw(Insn.make(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1)), LWT_IN,
                    "insn 2: last insn is not an exit or jmp");
            reject(Asm.prog().mov(0, 0).raw(Insn.make(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1)).exit(), LWT_IN,
                    "insn 1: invalid bpf_ld_imm64 insn");
        }

        @Test
        void shouldRejectJumpOutOfRange() {
            reject(Asm.prog().mov(0, 0).ja(5).exit(), LWT_IN, "insn 1: jump out of range from insn 1 to 7");
        }

        @Test
        void shouldRejectJumpIntoLdImm64() {
            reject(Asm.prog().mov(0, 0).jmp(BPF_JEQ, 1, 0, 1).ld64(2, 5).exit(), LWT_IN,
                    "insn 1: jump into the middle of ldimm64 insn 2");
        }

        @Test
        void shouldRejectUnreachableInsn() {
            reject(Asm.prog().mov(0, 0).exit().mov(0, 1).exit(), LWT_IN, "insn 2: unreachable insn 2");
        }

        @Test
        void shouldRejectFallingOffTheEnd() {
            reject(Asm.prog().mov(0, 0), LWT_IN, "insn 0: last insn is not an exit or jmp");
        }

        @Test
        void shouldRejectCallOutOfRange() {
            reject(Asm.prog().callLocal(10).ret0(), LWT_IN, "insn 0: call to invalid destination");
        }

        @Test
        void shouldRejectDivByZeroConstant() {
            reject(Asm.prog().mov(0, 1).alu(BPF_DIV, 0, 0).exit(), LWT_IN, "insn 1: div by zero");
        }

        @Test
        void shouldRejectOversizedShift() {
            reject(Asm.prog().mov(0, 1).alu32(BPF_LSH, 0, 32).exit(), LWT_IN, "insn 1: invalid shift 32");
        }

        @Test
        void shouldRejectTooDeepCalls() {
            // each subprog calls the next: 9 frames
            Asm a = Asm.prog();
            for (int i = 0; i < 9; i++) {
                a.callLocal(1).exit();
            }
            a.ret0();
            reject(a, LWT_IN, "insn 14: the call stack of 9 frames is too deep !");
        }

        @Test
        void shouldRejectCombinedStackTooLarge() {
            // main uses 400 bytes, callee uses 200
            Asm a = Asm.prog().st(BPF_DW, 10, -400, 0).callLocal(1).exit()
                    .st(BPF_DW, 10, -200, 0).ret0();
            assertThatThrownBy(() -> Verifier.verify(a.build(LWT_IN), Asm.env(LWT_IN)))
                    .hasMessageContaining("combined stack size of 2 calls is 608. Too large");
        }

        @Test
        void shouldRejectStackBeyond512() {
            reject(Asm.prog().st(BPF_DW, 10, -520, 0).ret0(), LWT_IN,
                    "insn 0: invalid write to stack R10 off=-520 size=8");
        }
    }

    @Nested
    class RegistersAndStack {
        @Test
        void shouldRejectReadOfUninitialisedRegister() {
            reject(Asm.prog().movReg(0, 2).exit(), LWT_IN, "insn 0: R2 !read_ok");
        }

        @Test
        void shouldRejectExitWithoutR0() {
            reject(Asm.prog().exit(), LWT_IN, "insn 0: R0 !read_ok");
        }

        @Test
        void shouldRejectReadOfUninitialisedStack() {
            reject(Asm.prog().ldx(BPF_DW, 0, 10, -8).exit(), LWT_IN,
                    "insn 0: invalid read from stack off -8+0 size 8");
        }

        @Test
        void shouldAllowUninitialisedStackWhenPrivilegedRuleIsOn() {
            BpfProgram p = Asm.prog().ldx(BPF_DW, 0, 10, -8).exit().build(LWT_IN);
            Verifier.verify(p, Asm.env(LWT_IN).withAllowUninitStack(true));
        }

        @Test
        void shouldRestoreSpilledPointer() {
            // spill ctx, fill it back, read ctx->mark
            accept(Asm.prog().stx(BPF_DW, 10, 1, -8).ldx(BPF_DW, 2, 10, -8).ldx(BPF_W, 0, 2, 8).exit(), LWT_IN);
        }

        @Test
        void shouldRejectMisalignedStackAccess() {
            reject(Asm.prog().st(BPF_W, 10, -6, 0).ret0(), LWT_IN,
                    "insn 0: misaligned stack access off 0+0+-6 size 4");
        }

        @Test
        void shouldRejectPointerArithmeticOnMapPointer() {
            reject(Asm.prog().ldMap(1, 0).alu(BPF_ADD, 1, 8).ret0(), LWT_IN,
                    "insn 2: R1 pointer arithmetic on map_ptr prohibited", Asm.hash(4, 8));
        }

        @Test
        void shouldRejectBitwiseOpOnPointer() {
            reject(Asm.prog().movReg(2, 10).alu(BPF_AND, 2, 8).ret0(), LWT_IN,
                    "insn 1: R2 bitwise operator &= on pointer prohibited");
        }

        @Test
        void shouldReject32BitPointerArithmetic() {
            reject(Asm.prog().movReg(2, 10).alu32(BPF_ADD, 2, 8).ret0(), LWT_IN,
                    "insn 1: R2 32-bit pointer arithmetic prohibited");
        }

        @Test
        void shouldRejectDerefOfScalar() {
            reject(Asm.prog().mov(2, 0).ldx(BPF_W, 0, 2, 0).exit(), LWT_IN,
                    "insn 1: R2 invalid mem access 'scalar'");
        }
    }

    @Nested
    class Context {
        @Test
        void shouldAllowReadOfMarkAndWriteOfPriority() {
            accept(Asm.prog().ldx(BPF_W, 2, 1, 8).stx(BPF_W, 1, 2, 32).ret0(), LWT_IN);
        }

        @Test
        void shouldRejectTcClassid() {
            reject(Asm.prog().ldx(BPF_W, 0, 1, 72).exit(), LWT_IN,
                    "insn 0: invalid bpf_context access off=72 size=4");
        }

        @Test
        void shouldRejectWriteToLen() {
            reject(Asm.prog().st(BPF_W, 1, 0, 5).ret0(), LWT_XMIT,
                    "insn 0: invalid bpf_context access off=0 size=4");
        }

        @Test
        void shouldAllowNarrowReadOfProtocol() {
            accept(Asm.prog().ldx(BPF_H, 0, 1, 16).exit(), LWT_OUT);
        }

        @Test
        void shouldRejectModifiedCtxPointer() {
            reject(Asm.prog().alu(BPF_ADD, 1, 8).ldx(BPF_W, 0, 1, 0).exit(), LWT_IN,
                    "insn 1: dereference of modified ctx ptr R1 off=8 disallowed");
        }

        @Test
        void shouldRejectCtxAccessWhenNoContext() {
            BpfProgram p = Asm.prog().ldx(BPF_W, 0, 1, 0).exit().build(UNSPEC);
            assertThatThrownBy(() -> Verifier.verify(p, VerifierEnv.forType(UNSPEC, id -> null)))
                    .hasMessage("insn 0: invalid bpf_context access off=0 size=4");
        }

        @Test
        void shouldTreatUnspecR1AsMemoryBlock() {
            BpfProgram p = Asm.prog().ldx(BPF_DW, 0, 1, 8).exit().build(UNSPEC);
            Verifier.verify(p, VerifierEnv.unspec(id -> null, 16));
            BpfProgram q = Asm.prog().ldx(BPF_DW, 0, 1, 16).exit().build(UNSPEC);
            assertThatThrownBy(() -> Verifier.verify(q, VerifierEnv.unspec(id -> null, 16)))
                    .hasMessage("insn 0: invalid access to memory, mem_size=16 off=16 size=8");
        }
    }

    @Nested
    class Packet {
        /** r2 = data, r3 = data_end, r4 = r2 + n, if r4 OP r3 ... */
        Asm header() {
            return Asm.prog().ldx(BPF_W, 2, 1, 76).ldx(BPF_W, 3, 1, 80);
        }

        @Test
        void shouldRejectReadWithoutBoundsCheck() {
            reject(header().ldx(BPF_W, 0, 2, 0).exit(), LWT_IN,
                    "insn 2: invalid access to packet, off=0 size=4, R2(id=0,off=0,r=0)");
        }

        @Test
        void shouldAcceptReadAfterGreaterThanCheck() {
            // if (data + 20 > data_end) return 0; r0 = *(u32 *)(data + 16)
            accept(header().movReg(4, 2).alu(BPF_ADD, 4, 20).jmpReg(BPF_JGT, 4, 3, 2)
                    .ldx(BPF_W, 0, 2, 16).exit().ret0(), LWT_IN);
        }

        @Test
        void shouldRejectReadBeyondCheckedRange() {
            reject(header().movReg(4, 2).alu(BPF_ADD, 4, 20).jmpReg(BPF_JGT, 4, 3, 2)
                    .ldx(BPF_W, 0, 2, 18).exit().ret0(), LWT_IN,
                    "insn 5: invalid access to packet, off=18 size=4, R2(id=0,off=18,r=20)");
        }

        @Test
        void shouldAcceptAllFourComparisonOrientations() {
            // data_end < data + 20 -> goto out
            accept(header().movReg(4, 2).alu(BPF_ADD, 4, 20).jmpReg(BPF_JLT, 3, 4, 2)
                    .ldx(BPF_W, 0, 2, 16).exit().ret0(), LWT_IN);
            // data + 20 <= data_end -> goto ok
            accept(header().movReg(4, 2).alu(BPF_ADD, 4, 20).jmpReg(BPF_JLE, 4, 3, 2)
                    .ret0().ldx(BPF_W, 0, 2, 16).exit(), LWT_IN);
            // data_end >= data + 20 -> goto ok
            accept(header().movReg(4, 2).alu(BPF_ADD, 4, 20).jmpReg(BPF_JGE, 3, 4, 2)
                    .ret0().ldx(BPF_W, 0, 2, 16).exit(), LWT_IN);
        }

        @Test
        void shouldGrantOneMoreByteForStrictComparison() {
            // if (data + 8 >= data_end) goto out: data + 8 < data_end, so bytes 0..8 are readable (r=9)
            accept(header().movReg(4, 2).alu(BPF_ADD, 4, 8).jmpReg(BPF_JGE, 4, 3, 2)
                    .ldx(BPF_B, 0, 2, 8).exit().ret0(), LWT_IN);
            reject(header().movReg(4, 2).alu(BPF_ADD, 4, 8).jmpReg(BPF_JGE, 4, 3, 2)
                    .ldx(BPF_H, 0, 2, 8).exit().ret0(), LWT_IN,
                    "insn 5: invalid access to packet, off=8 size=2, R2(id=0,off=8,r=9)");
        }

        @Test
        void shouldRejectAccessOnTheFailingBranch() {
            reject(header().movReg(4, 2).alu(BPF_ADD, 4, 20).jmpReg(BPF_JGT, 4, 3, 2)
                    .ret0().ldx(BPF_W, 0, 2, 0).exit(), LWT_IN,
                    "insn 7: invalid access to packet, off=0 size=4, R2(id=0,off=0,r=0)");
        }

        @Test
        void shouldRejectPacketWriteOutsideXmit() {
            Asm a = header().movReg(4, 2).alu(BPF_ADD, 4, 20).jmpReg(BPF_JGT, 4, 3, 1)
                    .st(BPF_B, 2, 8, 64).ret0();
            reject(a, LWT_IN, "insn 5: cannot write into packet");
            reject(a, LWT_OUT, "insn 5: cannot write into packet");
            accept(a, LWT_XMIT);
        }

        @Test
        void shouldInvalidatePacketPointersAfterStoreBytes() {
            // bpf_skb_store_bytes(ctx, 0, fp-8, 4, 0) then use old data pointer
            Asm a = Asm.prog().movReg(6, 1).ldx(BPF_W, 7, 1, 76).ldx(BPF_W, 3, 1, 80)
                    .movReg(4, 7).alu(BPF_ADD, 4, 4).jmpReg(BPF_JGT, 4, 3, 10)
                    .st(BPF_W, 10, -8, 0).movReg(1, 6).mov(2, 0).movReg(3, 10).alu(BPF_ADD, 3, -8)
                    .mov(4, 4).mov(5, 0).call(Asm.SKB_STORE_BYTES)
                    .ldx(BPF_W, 0, 7, 0).exit().ret0();
            reject(a, LWT_XMIT, "insn 14: R7 invalid mem access 'scalar'");
        }

        @Test
        void shouldRequireNewCheckAfterVariableOffset() {
            // r5 = *(u8*)(data+0) & 0xf; r2 += r5; read r2 without check -> reject
            Asm a = header().movReg(4, 2).alu(BPF_ADD, 4, 20).jmpReg(BPF_JGT, 4, 3, 5)
                    .ldx(BPF_B, 5, 2, 0).alu(BPF_AND, 5, 0xf).aluReg(BPF_ADD, 2, 5)
                    .ldx(BPF_B, 0, 2, 0).exit().ret0();
            reject(a, LWT_IN, "insn 8: invalid access to packet, off=0 size=1, R2(id=1,off=0,r=0)");
        }
    }

    @Nested
    class Maps {
        /** key = 0 at fp-4; r0 = lookup(map, &key) */
        Asm lookup() {
            return Asm.prog().st(BPF_W, 10, -4, 0).ldMap(1, 0).movReg(2, 10).alu(BPF_ADD, 2, -4)
                    .call(Asm.MAP_LOOKUP);
        }

        @Test
        void shouldRejectDerefWithoutNullCheck() {
            reject(lookup().ldx(BPF_DW, 0, 0, 0).exit(), LWT_IN,
                    "insn 6: R0 invalid mem access 'map_value_or_null'", Asm.hash(4, 8));
        }

        @Test
        void shouldAcceptDerefAfterNullCheck() {
            accept(lookup().jmp(BPF_JEQ, 0, 0, 2).ldx(BPF_DW, 0, 0, 0).exit().ret0(), LWT_IN, Asm.hash(4, 8));
        }

        @Test
        void shouldKnowConstantKeyArrayLookupCannotFail() {
            BpfMap array = Asm.map(MapType.ARRAY, 4, 8, 0);
            accept(lookup().ldx(BPF_DW, 0, 0, 0).exit(), LWT_IN, array);
            // key 20 is beyond max_entries 16: may be NULL
            reject(Asm.prog().st(BPF_W, 10, -8, 20).ldMap(1, 0).movReg(2, 10).alu(BPF_ADD, 2, -8)
                    .call(Asm.MAP_LOOKUP).ldx(BPF_DW, 0, 0, 0).exit(), LWT_IN,
                    "insn 6: R0 invalid mem access 'map_value_or_null'", array);
        }

        @Test
        void shouldRejectOutOfBoundsValueAccess() {
            reject(lookup().jmp(BPF_JEQ, 0, 0, 2).ldx(BPF_W, 0, 0, 8).exit().ret0(), LWT_IN,
                    "insn 7: invalid access to map value, value_size=8 off=8 size=4", Asm.hash(4, 8));
        }

        @Test
        void shouldRejectUninitialisedKey() {
            reject(Asm.prog().ldMap(1, 0).movReg(2, 10).alu(BPF_ADD, 2, -4).call(Asm.MAP_LOOKUP).ret0(),
                    LWT_IN, "insn 4: invalid read from stack R2 off -4+0 size 4", Asm.hash(4, 8));
        }

        @Test
        void shouldRejectKeyBeyondStack() {
            reject(Asm.prog().ldMap(1, 0).movReg(2, 10).alu(BPF_ADD, 2, -2).call(Asm.MAP_LOOKUP).ret0(),
                    LWT_IN, "insn 4: invalid read from stack R2 off=-2 size=4", Asm.hash(4, 8));
        }

        @Test
        void shouldRejectScalarAsMap() {
            reject(Asm.prog().mov(1, 0).movReg(2, 10).call(Asm.MAP_LOOKUP).ret0(), LWT_IN,
                    "insn 2: R1 type=scalar expected=map_ptr");
        }

        @Test
        void shouldAcceptVariableIndexWithinBounds() {
            // value 64 bytes; idx = *(u8*)value & 63 ... read value[idx] (1 byte)
            accept(lookup().jmp(BPF_JEQ, 0, 0, 5).ldx(BPF_B, 1, 0, 0).alu(BPF_AND, 1, 63)
                    .aluReg(BPF_ADD, 0, 1).ldx(BPF_B, 0, 0, 0).exit().ret0(), LWT_IN, Asm.hash(4, 64));
        }

        @Test
        void shouldRejectVariableIndexOutOfBounds() {
            reject(lookup().jmp(BPF_JEQ, 0, 0, 5).ldx(BPF_B, 1, 0, 0).alu(BPF_AND, 1, 127)
                    .aluReg(BPF_ADD, 0, 1).ldx(BPF_B, 0, 0, 0).exit().ret0(), LWT_IN,
                    "insn 10: invalid access to map value, value_size=64 off=127 size=1", Asm.hash(4, 64));
        }

        @Test
        void shouldAcceptBoundsFromComparison() {
            // idx = value[0]; if idx > 60 goto out; read value[idx]
            accept(lookup().jmp(BPF_JEQ, 0, 0, 5).ldx(BPF_W, 1, 0, 0).jmp(BPF_JGT, 1, 60, 3)
                    .aluReg(BPF_ADD, 0, 1).ldx(BPF_W, 0, 0, 0).exit().ret0(), LWT_IN, Asm.hash(4, 64));
        }

        @Test
        void shouldRejectWriteToReadOnlyMap() {
            BpfMap ro = Asm.map(MapType.ARRAY, 4, 8, MapDefinition.BPF_F_RDONLY_PROG);
            reject(lookup().jmp(BPF_JEQ, 0, 0, 1).st(BPF_W, 0, 0, 1).ret0(), LWT_IN,
                    "insn 7: write into map forbidden, value_size=8 off=0 size=4", ro);
        }

        @Test
        void shouldRejectLookupInProgArray() {
            reject(lookup().ret0(), LWT_IN,
                    "insn 5: cannot pass map_type 3 into func bpf_map_lookup_elem#1",
                    Asm.map(MapType.PROG_ARRAY, 4, 4, 0));
        }

        @Test
        void shouldRejectTailCallThroughNonProgArray() {
            reject(Asm.prog().ldMap(2, 0).mov(3, 0).call(Asm.TAIL_CALL).ret0(), LWT_IN,
                    "insn 3: expected prog array map for tail call", Asm.hash(4, 8));
        }

        @Test
        void shouldRejectArithmeticOnUncheckedMapValue() {
            reject(lookup().alu(BPF_ADD, 0, 8).ret0(), LWT_IN,
                    "insn 6: R0 pointer arithmetic on map_value_or_null prohibited, null-check it first",
                    Asm.hash(4, 8));
        }

        @Test
        void shouldRejectUnboundedIndexIntoMapValue() {
            reject(lookup().jmp(BPF_JEQ, 0, 0, 4).ldx(BPF_DW, 1, 0, 0).aluReg(BPF_ADD, 0, 1)
                    .ldx(BPF_B, 0, 0, 0).exit().ret0(), LWT_IN,
                    "insn 8: math between map_value pointer and register with unbounded min value is not allowed",
                    Asm.hash(4, 64));
        }

        @Test
        void shouldAcceptTailCall() {
            accept(Asm.prog().ldMap(2, 0).mov(3, 0).call(Asm.TAIL_CALL).ret0(), LWT_IN,
                    Asm.map(MapType.PROG_ARRAY, 4, 4, 0));
        }
    }

    @Nested
    class Helpers {
        @Test
        void shouldRejectHelperNotAllowedForType() {
            reject(Asm.prog().call(Asm.SKB_STORE_BYTES).ret0(), LWT_IN,
                    "insn 0: program of this type cannot use helper bpf_skb_store_bytes#9");
        }

        @Test
        void shouldRejectUnknownHelperId() {
            reject(Asm.prog().call(100000).ret0(), LWT_IN, "insn 0: invalid func unknown#100000");
        }

        @Test
        void shouldClobberArgumentRegisters() {
            reject(Asm.prog().call(Asm.KTIME).movReg(0, 1).exit(), LWT_IN, "insn 1: R1 !read_ok");
        }

        @Test
        void shouldAcceptLoadBytesIntoUninitialisedStack() {
            accept(Asm.prog().mov(2, 0).movReg(3, 10).alu(BPF_ADD, 3, -20).mov(4, 20)
                    .call(Asm.SKB_LOAD_BYTES).ldx(BPF_W, 0, 10, -20).exit(), LWT_IN);
        }

        @Test
        void shouldRejectZeroSize() {
            reject(Asm.prog().mov(2, 0).movReg(3, 10).alu(BPF_ADD, 3, -20).mov(4, 0)
                    .call(Asm.SKB_LOAD_BYTES).ret0(), LWT_IN, "insn 4: R4 invalid zero-sized read: u64=[0,0]");
        }

        @Test
        void shouldRejectUnboundedSize() {
            reject(Asm.prog().ldx(BPF_W, 4, 1, 0).mov(2, 0).movReg(3, 10).alu(BPF_ADD, 3, -20)
                    .alu(BPF_ADD, 4, 1).call(Asm.SKB_LOAD_BYTES).ret0(), LWT_IN,
                    "insn 5: R4 unbounded memory access, use 'var &= const' or 'if (var < const)'");
        }

        @Test
        void shouldRejectCtxArgThatIsNotCtx() {
            reject(Asm.prog().movReg(1, 10).mov(2, 0).movReg(3, 10).alu(BPF_ADD, 3, -8).mov(4, 8)
                    .call(Asm.SKB_LOAD_BYTES).ret0(), LWT_IN, "insn 5: R1 type=fp expected=ctx");
        }

        @Test
        void shouldTrackRingbufReferences() {
            BpfMap rb = Asm.map(MapType.RINGBUF, 0, 0, 0);
            Asm leak = Asm.prog().ldMap(1, 0).mov(2, 8).mov(3, 0).call(Asm.RINGBUF_RESERVE).ret0();
            reject(leak, LWT_IN, "insn 6: Unreleased reference id=2 alloc_insn=4", rb);
            Asm ok = Asm.prog().ldMap(1, 0).mov(2, 8).mov(3, 0).call(Asm.RINGBUF_RESERVE)
                    .jmp(BPF_JEQ, 0, 0, 4).st(BPF_DW, 0, 0, 7).movReg(1, 0).mov(2, 0).call(Asm.RINGBUF_SUBMIT)
                    .ret0();
            accept(ok, LWT_IN, rb);
        }

        @Test
        void shouldVerifyBpfToBpfCalls() {
            // main: r1 = 5; call f; exit (r0 from f).  f: r0 = r1 + 1; exit
            accept(Asm.prog().mov(1, 5).callLocal(1).exit().movReg(0, 1).alu(BPF_ADD, 0, 1).exit(), LWT_IN);
            // callee reads r6 of its own frame: not initialised
            reject(Asm.prog().mov(6, 5).callLocal(1).exit().movReg(0, 6).exit(), LWT_IN, "insn 3: R6 !read_ok");
        }

        @Test
        void shouldRejectReturningStackPointerToCaller() {
            reject(Asm.prog().callLocal(1).exit().movReg(0, 10).exit(), LWT_IN,
                    "insn 3: cannot return stack pointer to the caller frame");
        }

        @Test
        void shouldVerifyLoopCallback() {
            // bpf_loop(10, cb, NULL, 0); cb: r0 = 0; exit
            Asm a = Asm.prog().mov(1, 10)
                    .raw(Insn.make(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 6)).raw(0)
                    .mov(3, 0).mov(4, 0).call(Asm.LOOP).ret0()
                    .ret0();
            accept(a, LWT_IN);
        }
    }

    @Nested
    class Loops {
        @Test
        void shouldAcceptBoundedLoop() {
            // r1 = 0; loop: r1 += 1; if r1 < 100 goto loop; r0 = 0; exit
            VerifierResult r = accept(Asm.prog().mov(1, 0).alu(BPF_ADD, 1, 1).jmp(BPF_JLT, 1, 100, -2).ret0(),
                    LWT_IN);
            assertThat(r.processedInsns()).isGreaterThan(200);
        }

        @Test
        void shouldDetectInfiniteLoop() {
            reject(Asm.prog().mov(0, 0).ja(-1), LWT_IN, "insn 1: infinite loop detected at insn 1");
        }

        @Test
        void shouldHitComplexityLimitForUnboundedCounter() {
            assertThatThrownBy(() -> accept(Asm.prog().mov(1, 0).alu(BPF_ADD, 1, 1).ja(-2), LWT_IN))
                    .hasMessageEndingWith("BPF program is too large. Processed 1000001 insn");
        }

        @Test
        void shouldHitComplexityLimitForHugeBound() {
            assertThatThrownBy(() -> accept(Asm.prog().mov(1, 0).alu(BPF_ADD, 1, 1)
                    .jmp(BPF_JLT, 1, 10_000_000, -2).ret0(), LWT_IN))
                    .hasMessageContaining("BPF program is too large. Processed 1000001 insn");
        }

        @Test
        void shouldExploreBothSidesOfUnknownUnsignedComparisons() {
            // r7 = u32 from ctx; if r7 <= 14 goto ok; r0 = *(u8 *)(r2 + 36) with only 34 bytes checked
            for (int op : new int[] {BPF_JLE, BPF_JLT, BPF_JGE, BPF_JGT, BPF_JSLE, BPF_JSLT, BPF_JSGE, BPF_JSGT}) {
                Asm a = Asm.prog().ldx(BPF_W, 2, 1, 76).ldx(BPF_W, 3, 1, 80).movReg(4, 2).alu(BPF_ADD, 4, 34)
                        .jmpReg(BPF_JGT, 4, 3, 4).ldx(BPF_W, 7, 1, 0).jmp(op, 7, 14, 2).ldx(BPF_B, 0, 2, 36)
                        .exit().ret0();
                assertThatThrownBy(() -> accept(a, LWT_IN)).as("op %x", op)
                        .hasMessageContaining("invalid access to packet, off=36 size=1");
            }
        }

        @Test
        void shouldPruneIndependentBranches() {
            // 30 independent if/else on packet bytes: pruning keeps this linear
            Asm a = Asm.prog().ldx(BPF_W, 6, 1, 0).mov(7, 0);
            for (int i = 0; i < 30; i++) {
                a.jmp(BPF_JEQ, 6, i, 1).alu(BPF_ADD, 7, 1);
            }
            a.ret0();
            VerifierResult r = accept(a, LWT_IN);
            assertThat(r.processedInsns()).isLessThan(10_000);
        }
    }

    @Nested
    class AccessKinds {
        @Test
        void shouldRecordWhatEachLoadAndStoreTouches() {
            BpfMap m = Asm.map(MapType.ARRAY, 4, 16, 0);
            Asm a = Asm.prog()
                    .movReg(6, 1)                                       // 0
                    .ldx(BPF_W, 2, 6, 76)                               // 1 ctx data
                    .ldx(BPF_W, 3, 6, 80)                               // 2 ctx data_end
                    .movReg(4, 2).alu(BPF_ADD, 4, 1)                    // 3, 4
                    .jmpReg(BPF_JGT, 4, 3, 1)                           // 5
                    .ldx(BPF_B, 5, 2, 0)                                // 6 packet
                    .st(BPF_W, 10, -4, 0)                               // 7 stack
                    .ldMap(1, 0).movReg(2, 10).alu(BPF_ADD, 2, -4)      // 8-11
                    .call(Asm.MAP_LOOKUP)                               // 12
                    .jmp(BPF_JEQ, 0, 0, 1)                              // 13
                    .ldx(BPF_DW, 7, 0, 8)                               // 14 map value
                    .ret0();
            byte[] kinds = accept(a, LWT_XMIT, m).accessKinds();
            assertThat(kinds[1]).isEqualTo(io.lwtemu.ebpf.vm.VerifiedAccess.CONTEXT);
            assertThat(kinds[2]).isEqualTo(io.lwtemu.ebpf.vm.VerifiedAccess.CONTEXT);
            assertThat(kinds[6]).isEqualTo(io.lwtemu.ebpf.vm.VerifiedAccess.PACKET);
            assertThat(kinds[7]).isEqualTo(io.lwtemu.ebpf.vm.VerifiedAccess.STACK);
            assertThat(kinds[14]).isEqualTo(io.lwtemu.ebpf.vm.VerifiedAccess.MAP_VALUE);
            assertThat(kinds[0]).isEqualTo(io.lwtemu.ebpf.vm.VerifiedAccess.UNKNOWN);
            assertThat(kinds[12]).isEqualTo(io.lwtemu.ebpf.vm.VerifiedAccess.UNKNOWN);
        }

        @Test
        void shouldMarkAnAccessReachedWithDifferentPointersMixed() {
            BpfMap m = Asm.hash(4, 16);
            Asm a = Asm.prog()
                    .st(BPF_W, 10, -4, 0)                               // 0
                    .ldMap(1, 0).movReg(2, 10).alu(BPF_ADD, 2, -4)      // 1-4
                    .call(Asm.MAP_LOOKUP)                               // 5
                    .jmp(BPF_JNE, 0, 0, 2)                              // 6: r0 = map value, or
                    .movReg(0, 10).alu(BPF_ADD, 0, -16)                 // 7, 8: r0 = fp - 16
                    .st(BPF_DW, 0, 0, 1)                                // 9: store through either
                    .ret0();
            byte[] kinds = accept(a, LWT_XMIT, m).accessKinds();
            assertThat(kinds[9]).isEqualTo(io.lwtemu.ebpf.vm.VerifiedAccess.MIXED);
        }
    }
}
