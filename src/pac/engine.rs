//! The PAC script's own QuickJS runtime, on its own thread (QuickJS runtimes are not
//! `Send`): the standard helpers, the PAC file, and one `FindProxyForURL` call per job,
//! each bounded by a deadline (an interrupt handler) and the runtime's memory limit.
//!
//! Nothing of the collection's sandbox is here: no `pm`, no `require`, no timers.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rquickjs::context::EvalOptions;
use rquickjs::{CatchResultExt, CaughtError, Context, Ctx, Function, Object, Runtime, Value};

use super::PacError;
use super::net;

const HELPERS: &str = include_str!("helpers.js");

/// Bounds on one PAC evaluation, and the clock its date helpers read.
#[derive(Clone, Debug)]
pub struct PacLimits {
    pub timeout: Duration,
    pub memory_bytes: usize,
    /// Milliseconds since the epoch the `*Range` helpers see; `None` = now. For tests.
    pub now_ms: Option<f64>,
}

impl Default for PacLimits {
    fn default() -> Self {
        PacLimits { timeout: Duration::from_secs(5), memory_bytes: 32 * 1024 * 1024, now_ms: None }
    }
}

/// Where `alert(...)` messages go (the verbose log, or `explain`'s output).
pub type AlertSink = Arc<dyn Fn(&str) + Send + Sync>;

struct Job {
    url: String,
    host: String,
    reply: mpsc::Sender<Result<String, String>>,
}

/// The running engine; dropping it ends the thread.
pub struct Engine {
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl Engine {
    /// Loads `source` (named `origin` in messages) and checks it defines
    /// `FindProxyForURL` (or `FindProxyForURLEx`).
    pub fn start(source: String, origin: String, limits: PacLimits, alerts: AlertSink) -> Result<Engine, PacError> {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), PacError>>();
        let thread_origin = origin.clone();
        std::thread::Builder::new()
            .name("postie-pac".into())
            .spawn(move || run(source, thread_origin, limits, alerts, inbox, ready_tx))
            .map_err(|e| PacError::Engine { origin: origin.clone(), message: e.to_string() })?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Engine { jobs: Mutex::new(jobs) }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(PacError::Engine { origin, message: "the PAC thread stopped while loading".into() }),
        }
    }

    /// `FindProxyForURL(url, host)`'s return value, or why there is none.
    pub fn call(&self, url: &str, host: &str) -> Result<String, String> {
        let (reply, answer) = mpsc::channel();
        let job = Job { url: url.to_string(), host: host.to_string(), reply };
        let sent = self.jobs.lock().unwrap_or_else(|p| p.into_inner()).send(job);
        sent.map_err(|_| "the PAC engine has stopped".to_string())?;
        answer.recv().map_err(|_| "the PAC engine has stopped".to_string())?
    }
}

fn run(
    source: String,
    origin: String,
    limits: PacLimits,
    alerts: AlertSink,
    inbox: mpsc::Receiver<Job>,
    ready: mpsc::Sender<Result<(), PacError>>,
) {
    let deadline: Rc<Cell<Option<Instant>>> = Rc::new(Cell::new(None));
    let loaded = load(&source, &origin, &limits, alerts, &deadline);
    let (runtime, context, entry) = match loaded {
        Ok(parts) => parts,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    if ready.send(Ok(())).is_err() {
        return;
    }
    while let Ok(job) = inbox.recv() {
        deadline.set(Some(Instant::now() + limits.timeout));
        let answer = context.with(|ctx| call(&ctx, entry, &origin, &job, &limits));
        deadline.set(None);
        // A script that hit the memory limit may leave garbage behind; collect it so the
        // next call starts clean.
        runtime.run_gc();
        let _ = job.reply.send(answer);
    }
}

/// Which entry point the PAC defines; `FindProxyForURLEx` wins, as in Microsoft's design.
#[derive(Clone, Copy)]
enum Entry {
    Plain,
    Ex,
}

impl Entry {
    fn name(self) -> &'static str {
        match self {
            Entry::Plain => "FindProxyForURL",
            Entry::Ex => "FindProxyForURLEx",
        }
    }
}

fn load(
    source: &str,
    origin: &str,
    limits: &PacLimits,
    alerts: AlertSink,
    deadline: &Rc<Cell<Option<Instant>>>,
) -> Result<(Runtime, Context, Entry), PacError> {
    let engine_error = |message: String| PacError::Engine { origin: origin.to_string(), message };
    let runtime = Runtime::new().map_err(|e| engine_error(e.to_string()))?;
    runtime.set_memory_limit(limits.memory_bytes);
    runtime.set_max_stack_size(512 * 1024);
    let watch = Rc::clone(deadline);
    runtime.set_interrupt_handler(Some(Box::new(move || watch.get().is_some_and(|d| Instant::now() >= d))));
    let context = Context::full(&runtime).map_err(|e| engine_error(e.to_string()))?;
    let now_ms = limits.now_ms;
    let entry = context.with(|ctx| -> Result<Entry, PacError> {
        install_natives(&ctx, now_ms, alerts).map_err(|e| engine_error(e.to_string()))?;
        eval(&ctx, HELPERS, "pac-helpers.js").map_err(|e| engine_error(e.describe()))?;
        // Loading may loop forever too: the same deadline applies.
        deadline.set(Some(Instant::now() + limits.timeout));
        let evaluated = eval(&ctx, source, origin);
        deadline.set(None);
        evaluated.map_err(|e| match e {
            Thrown::Timeout => PacError::Timeout { origin: origin.to_string(), timeout: limits.timeout },
            other => PacError::Script { origin: origin.to_string(), message: other.describe() },
        })?;
        let globals = ctx.globals();
        let defined = |name: &str| globals.get::<_, Value>(name).is_ok_and(|v| v.is_function());
        if defined("FindProxyForURLEx") {
            Ok(Entry::Ex)
        } else if defined("FindProxyForURL") {
            Ok(Entry::Plain)
        } else {
            Err(PacError::NoEntryPoint { origin: origin.to_string() })
        }
    })?;
    Ok((runtime, context, entry))
}

fn install_natives(ctx: &Ctx<'_>, now_ms: Option<f64>, alerts: AlertSink) -> rquickjs::Result<()> {
    let native = Object::new(ctx.clone())?;
    native.set("resolve", Function::new(ctx.clone(), |host: String, ex: bool| net::resolve(&host, ex))?)?;
    native.set("myIp", Function::new(ctx.clone(), net::my_ip)?)?;
    native.set(
        "now",
        Function::new(ctx.clone(), move || now_ms.unwrap_or_else(|| chrono::Utc::now().timestamp_millis() as f64))?,
    )?;
    native.set("alert", Function::new(ctx.clone(), move |message: String| alerts(&message))?)?;
    ctx.globals().set("__pac", native)
}

/// Why evaluating or calling the script failed.
enum Thrown {
    Timeout,
    OutOfMemory,
    Error(String),
}

impl Thrown {
    fn describe(&self) -> String {
        match self {
            Thrown::Timeout => "it did not finish in time".to_string(),
            Thrown::OutOfMemory => "it ran out of memory".to_string(),
            Thrown::Error(text) => text.clone(),
        }
    }

    fn from_caught(caught: CaughtError<'_>, file: &str) -> Thrown {
        match caught {
            CaughtError::Exception(ex) => {
                let message = ex.message().unwrap_or_default();
                if message.contains("interrupted") {
                    return Thrown::Timeout;
                }
                if message.contains("out of memory") {
                    return Thrown::OutOfMemory;
                }
                let name: String = ex.get("name").unwrap_or_else(|_| "Error".to_string());
                let place = ex.stack().as_deref().and_then(|s| place_in(s, file));
                match place {
                    Some(place) => Thrown::Error(format!("{name}: {message} at {place}")),
                    None => Thrown::Error(format!("{name}: {message}")),
                }
            }
            CaughtError::Value(v) => {
                let text = v.as_string().and_then(|s| s.to_string().ok()).unwrap_or_else(|| format!("{v:?}"));
                Thrown::Error(format!("threw {text}"))
            }
            CaughtError::Error(e) => {
                let text = e.to_string();
                if text.contains("out of memory") { Thrown::OutOfMemory } else { Thrown::Error(text) }
            }
        }
    }
}

/// `file:LINE:COL` (or `file:LINE`) from a QuickJS stack, for the script's own frames.
fn place_in(stack: &str, file: &str) -> Option<String> {
    let at = stack.find(&format!("{file}:"))?;
    let rest = &stack[at + file.len() + 1..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ':')).unwrap_or(rest.len());
    let place = rest[..end].trim_end_matches(':');
    (!place.is_empty()).then(|| format!("{file}:{place}"))
}

fn eval(ctx: &Ctx<'_>, source: &str, file: &str) -> Result<(), Thrown> {
    let mut options = EvalOptions::default();
    options.strict = false;
    options.filename = Some(file.to_string());
    ctx.eval_with_options::<(), _>(source, options).catch(ctx).map_err(|e| Thrown::from_caught(e, file))
}

fn call(ctx: &Ctx<'_>, entry: Entry, file: &str, job: &Job, limits: &PacLimits) -> Result<String, String> {
    let (url, host) = (job.url.as_str(), job.host.as_str());
    let function: Function = ctx.globals().get(entry.name()).map_err(|e| e.to_string())?;
    let result = function.call::<_, Value>((url, host)).catch(ctx);
    match result {
        Ok(value) => match value.as_string() {
            Some(text) => text.to_string().map_err(|e| e.to_string()),
            None => Err(format!(
                "{}(\"{url}\", \"{host}\") returned {}, not a string; return \"DIRECT\" or \"PROXY host:port\"",
                entry.name(),
                type_name(&value)
            )),
        },
        Err(caught) => Err(match Thrown::from_caught(caught, file) {
            Thrown::Timeout => format!(
                "{}(\"{url}\", \"{host}\") did not finish within {} ms (an endless loop?)",
                entry.name(),
                limits.timeout.as_millis()
            ),
            Thrown::OutOfMemory => format!(
                "{}(\"{url}\", \"{host}\") ran out of memory (limit {} MB)",
                entry.name(),
                limits.memory_bytes / (1024 * 1024)
            ),
            Thrown::Error(text) => format!("{}(\"{url}\", \"{host}\") threw {text}", entry.name()),
        }),
    }
}

fn type_name(value: &Value<'_>) -> &'static str {
    if value.is_undefined() {
        "undefined"
    } else if value.is_null() {
        "null"
    } else if value.is_bool() {
        "a boolean"
    } else if value.is_number() {
        "a number"
    } else if value.is_array() {
        "an array"
    } else if value.is_function() {
        "a function"
    } else {
        "an object"
    }
}
