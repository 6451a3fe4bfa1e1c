/*
 * sal.h: the Source Annotation Language as no-ops, so that prototypes written the way
 * Microsoft publishes them (_In_, _Out_writes_bytes_(n), _IRQL_requires_max_(...),
 * _Function_class_(...)) compile here unchanged. The simulator checks what matters of
 * them at run time instead: IRQL rules are the verifier's (docs/wdk.md, installed as
 * <prefix>/share/doc/vswitchsim/docs/wdk.md).
 */
#ifndef VSWITCHSIM_WDK_SAL_H
#define VSWITCHSIM_WDK_SAL_H

/* Parameters */
#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _In_reads_(size)
#define _In_reads_opt_(size)
#define _In_reads_bytes_(size)
#define _In_reads_bytes_opt_(size)
#define _In_range_(lo, hi)
#define _Out_
#define _Out_opt_
#define _Out_writes_(size)
#define _Out_writes_opt_(size)
#define _Out_writes_bytes_(size)
#define _Out_writes_bytes_opt_(size)
#define _Out_writes_bytes_to_(size, count)
#define _Out_writes_bytes_to_opt_(size, count)
#define _Out_writes_to_(size, count)
#define _Out_writes_z_(size)
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _Inout_updates_(size)
#define _Inout_updates_bytes_(size)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_result_buffer_(size)
#define _Outptr_result_bytebuffer_(size)
#define _Outptr_opt_result_maybenull_
#define _Deref_out_
#define _Deref_out_range_(lo, hi)
#define _Reserved_
#define _Pre_notnull_
#define _Pre_maybenull_
#define _Post_invalid_
#define _Post_ptr_invalid_
#define _Post_writable_byte_size_(size)
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Printf_format_string_
#define _Literal_
#define _Notliteral_

/* Results */
#define _Check_return_
#define _Must_inspect_result_
#define _Success_(expr)
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Ret_range_(lo, hi)
#define _Result_nullonfailure_
#define _Post_maybenull_
#define _Post_notnull_
#define _Post_satisfies_(expr)
#define _Pre_satisfies_(expr)
#define _Maybe_raises_SEH_exception_
#define _Analysis_assume_(expr)
#define _Analysis_noreturn_
#define _Use_decl_annotations_
#define _When_(cond, anno)
#define _At_(target, anno)
#define _Field_size_(size)
#define _Field_size_bytes_(size)
#define _Field_size_bytes_part_(size, count)
#define _Field_range_(lo, hi)
#define _Struct_size_bytes_(size)
#define _Interlocked_operand_
#define _Null_terminated_
#define _NullNull_terminated_
#define _Strict_type_match_
#define _Points_to_data_
#define _Dispatch_type_(type)
#define _Guarded_by_(lock)

/* Functions: the IRQL and lock annotations (checked at run time by the verifier). */
#define _Function_class_(name)
#define _IRQL_requires_(irql)
#define _IRQL_requires_max_(irql)
#define _IRQL_requires_min_(irql)
#define _IRQL_requires_same_
#define _IRQL_raises_(irql)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(kind, param)
#define _IRQL_restores_global_(kind, param)
#define _IRQL_always_function_max_(irql)
#define _IRQL_always_function_min_(irql)
#define _IRQL_uses_cancel_
#define _IRQL_is_cancel_
#define _Kernel_requires_resource_held_(kind)
#define _Kernel_requires_resource_not_held_(kind)
#define _Kernel_acquires_resource_(kind)
#define _Kernel_releases_resource_(kind)
#define _Kernel_clear_do_init_(yesno)
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Requires_lock_held_(lock)
#define _Requires_lock_not_held_(lock)
#define _Acquires_lock_(lock)
#define _Releases_lock_(lock)
#define _Acquires_exclusive_lock_(lock)
#define _Releases_exclusive_lock_(lock)
#define _Acquires_shared_lock_(lock)
#define _Releases_shared_lock_(lock)
#define _Requires_exclusive_lock_held_(lock)
#define _Requires_shared_lock_held_(lock)
#define _Has_lock_kind_(kind)
#define _Create_lock_level_(level)
#define _Lock_level_order_(a, b)
#define _No_competing_thread_
#define _Benign_race_begin_
#define _Benign_race_end_
#define _Write_guarded_by_(lock)
#define _Interlocked_

/* Old-style (specstrings) names some drivers still use. */
#define IN
#define OUT
#define OPTIONAL
#define __in
#define __in_opt
#define __out
#define __out_opt
#define __inout
#define __inout_opt
#define __drv_maxIRQL(irql)
#define __drv_minIRQL(irql)
#define __drv_requiresIRQL(irql)
#define __drv_functionClass(name)
#define __drv_sameIRQL
#define __drv_dispatchType(type)
#define __drv_aliasesMem
#define __drv_allocatesMem(kind)
#define __drv_freesMem(kind)

#endif /* VSWITCHSIM_WDK_SAL_H */
