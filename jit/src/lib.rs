//! The Cranelift back end: a rule set becomes one native function (DESIGN §4).
//!
//! [`compile`] generates the entry (every rule in order, with its error block) and one
//! function per lambda or deferred getter, links them against the runtime's helpers and
//! returns a [`JitProgram`]. A program is one generation of a rule set: its code, and the
//! [`Sites`] the code refers to, live together in an `Arc` and are freed together when
//! the last clone drops, so a reload can compile the next generation on another thread
//! while this one keeps serving.

mod codegen;
mod layout;

use std::collections::HashMap;
use std::sync::Arc;

use cranelift_codegen::ir::{AbiParam, UserFuncName, types};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module, default_libcall_names};
use ottl_runtime::exec::{self, Outputs, RuleKind};
use ottl_runtime::native::helpers::HelperId;
use ottl_runtime::native::{ClosureCode, Entry, Frame, RuleSite, Sites};
use ottl_runtime::otlp::Telemetry;
use ottl_runtime::{Error, Result};

use codegen::{FnGen, Shared};
use ottl_compiler::ir::Expr;
use ottl_compiler::program::RuleSet;
use ottl_compiler::schema::Context;

/// A compiled rule set, ready to run on any thread. Cloning shares the code.
#[derive(Clone)]
pub struct JitProgram {
    generation: Arc<Generation>,
}

/// The text forms of a compiled rule set, for `ottlc compile --emit`.
#[derive(Default)]
pub struct Listing {
    /// Cranelift IR, one function after the other.
    pub clif: String,
    /// The machine code, as Cranelift's back end printed it.
    pub asm: String,
}

/// One generation: the module owning the code, and what the code refers to.
struct Generation {
    module: Option<JITModule>,
    entry: Entry,
    sites: Arc<Sites>,
    context: Context,
    allow_list: bool,
    routes: bool,
}

// SAFETY: after `finalize_definitions` the module's memory is read-only code and data,
// never written again until `free_memory` in `drop`, which runs once no clone is left.
unsafe impl Send for Generation {}
unsafe impl Sync for Generation {}

impl Drop for Generation {
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: the last reference to this generation is going away, and frames
            // hold the sites, not the code: nothing can call into it any more.
            unsafe { module.free_memory() };
        }
    }
}

/// Compiles `rules` to native code.
pub fn compile(rules: &RuleSet) -> Result<JitProgram> {
    Compiler::new(rules, false)?.finish().map(|(program, _)| program)
}

/// Compiles `rules` and keeps the Cranelift IR and machine code as text.
pub fn compile_with_listing(rules: &RuleSet) -> Result<(JitProgram, Listing)> {
    let (program, listing) = Compiler::new(rules, true)?.finish()?;
    Ok((program, listing.unwrap_or_default()))
}

impl JitProgram {
    /// Runs the program on every item of `telemetry` and sorts the items into outputs;
    /// the same contract as the interpreter's `run`.
    pub fn run(&self, telemetry: Telemetry, warn: &mut dyn FnMut(String)) -> Result<Outputs> {
        let generation = &self.generation;
        let mut frame = Frame::new(generation.sites.clone());
        // SAFETY: the entry was compiled against these sites, and the generation (its
        // code) outlives the run.
        exec::run_and_split(telemetry, generation.context, generation.allow_list, generation.routes, &mut |ctx| unsafe {
            frame.run_item(generation.entry, ctx, warn)
        })
    }
}

fn cranelift_error(error: impl std::fmt::Display) -> Error {
    Error::new(format!("JIT: {error}"))
}

/// A JIT module whose symbol table holds every helper.
fn new_module() -> Result<JITModule> {
    let mut flags = settings::builder();
    flags.set("opt_level", "speed").map_err(cranelift_error)?;
    flags.set("is_pic", "false").map_err(cranelift_error)?;
    flags.set("use_colocated_libcalls", "false").map_err(cranelift_error)?;
    let isa =
        cranelift_native::builder().map_err(cranelift_error)?.finish(settings::Flags::new(flags)).map_err(cranelift_error)?;
    let mut builder = JITBuilder::with_isa(isa, default_libcall_names());
    for id in HelperId::ALL {
        let helper = id.helper();
        builder.symbol(helper.name, helper.address);
    }
    Ok(JITModule::new(builder))
}

/// One rule set's compilation in progress.
struct Compiler<'ir> {
    module: JITModule,
    shared: Shared<'ir>,
    rules: &'ir RuleSet,
    listing: Option<Listing>,
    function_context: FunctionBuilderContext,
}

impl<'ir> Compiler<'ir> {
    fn new(rules: &'ir RuleSet, keep_listing: bool) -> Result<Compiler<'ir>> {
        // The guard's conditions fail like rules: their sites follow the rules'.
        let rule_sites = rules.rules.iter().map(|(rule, text)| RuleSite { text: text.clone(), kind: rule.kind() });
        let guard_sites = rules.guard.iter().map(|(_, text)| RuleSite { text: text.clone(), kind: RuleKind::Condition });
        let sites = Sites {
            rules: rule_sites.chain(guard_sites).collect(),
            memo_scopes: rules.memos.per_scope.clone(),
            memo_forgets: rules.memos.forget_before.clone(),
            error_mode: rules.error_mode,
            ..Sites::default()
        };
        Ok(Compiler {
            module: new_module()?,
            shared: Shared { sites, pending: Vec::new(), helpers: HashMap::new(), context: rules.context },
            rules,
            listing: keep_listing.then(Listing::default),
            function_context: FunctionBuilderContext::new(),
        })
    }

    /// Generates every function, links, and hands over the generation.
    fn finish(mut self) -> Result<(JitProgram, Option<Listing>)> {
        let entry = self.entry()?;
        let mut closures = Vec::new();
        let mut next = 0;
        while next < self.shared.pending.len() {
            let (index, body) = self.shared.pending[next];
            closures.push((index, self.closure(index, body)?));
            next += 1;
        }
        self.check_helpers()?;
        self.module.finalize_definitions().map_err(cranelift_error)?;
        let code = |module: &JITModule, id: FuncId| module.get_finalized_function(id);
        // SAFETY: each function was generated with the signature of the type it becomes.
        let entry: Entry = unsafe { std::mem::transmute::<*const u8, Entry>(code(&self.module, entry)) };
        for (index, id) in closures {
            let address = code(&self.module, id);
            // SAFETY: as above.
            self.shared.sites.closures[index as usize].code =
                Some(unsafe { std::mem::transmute::<*const u8, ClosureCode>(address) });
        }
        let generation = Generation {
            module: Some(self.module),
            entry,
            sites: Arc::new(self.shared.sites),
            context: self.rules.context,
            allow_list: self.rules.is_allow_list(),
            routes: self.rules.routes(),
        };
        Ok((JitProgram { generation: Arc::new(generation) }, self.listing))
    }

    /// Every function the module imports must be in the symbol table `new_module` gave
    /// it: a missing symbol would panic inside Cranelift when the module is finalized.
    fn check_helpers(&self) -> Result<()> {
        let imports = self.module.declarations().get_functions().filter(|(_, f)| f.linkage == Linkage::Import);
        for (_, import) in imports {
            let name = import.name.as_deref().unwrap_or("an unnamed function");
            if !HelperId::ALL.iter().any(|known| known.helper().name == name) {
                return Err(Error::new(format!("JIT: {name} is imported but not in the helper table")));
            }
        }
        Ok(())
    }

    /// Generates, defines and (when listing) prints one function: `(frame, params…) -> status`.
    fn define(
        &mut self,
        name: &str,
        params: &[types::Type],
        body: impl FnOnce(&mut FnGen<'_, 'ir, '_>) -> Result<()>,
    ) -> Result<FuncId> {
        let mut signature = self.module.make_signature();
        signature.params.extend(params.iter().map(|ty| AbiParam::new(*ty)));
        signature.returns.push(AbiParam::new(types::I8));
        let id = self.module.declare_function(name, Linkage::Local, &signature).map_err(cranelift_error)?;
        let mut context = self.module.make_context();
        context.func.signature = signature;
        context.func.name = UserFuncName::user(0, id.as_u32());
        let mut builder = FunctionBuilder::new(&mut context.func, &mut self.function_context);
        let start = builder.create_block();
        builder.append_block_params_for_function_params(start);
        builder.switch_to_block(start);
        let mut g = FnGen::new(builder, &mut self.module, &mut self.shared, start);
        body(&mut g)?;
        g.finish();
        if let Some(listing) = &mut self.listing {
            listing.clif.push_str(&format!("; {name}\n{}\n", context.func.display()));
            context.set_disasm(true);
        }
        self.module.define_function(id, &mut context).map_err(|e| cranelift_error(format!("{e:?}")))?;
        if let Some(listing) = &mut self.listing
            && let Some(vcode) = context.compiled_code().and_then(|code| code.vcode.as_ref())
        {
            listing.asm.push_str(&format!("; {name}\n{vcode}\n"));
        }
        self.module.clear_context(&mut context);
        Ok(id)
    }

    /// The entry, `(frame) -> status`: the guard, then every rule in order.
    fn entry(&mut self) -> Result<FuncId> {
        let pointer = self.module.target_config().pointer_type();
        let (rules, guard) = (&self.rules.rules, &self.rules.guard);
        self.define("entry", &[pointer], |g| {
            g.forget_memos(0)?;
            g.guard(guard, rules.len())?;
            g.rules(rules)
        })
    }

    /// A closure, `(frame, params, count) -> status`, its value left in its result slot.
    fn closure(&mut self, index: u32, body: &'ir Expr) -> Result<FuncId> {
        let pointer = self.module.target_config().pointer_type();
        self.define(&format!("closure{index}"), &[pointer, pointer, pointer], |g| g.closure_body(index, body))
    }
}
