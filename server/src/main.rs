//! `hocphi`: the server and its command-line tools.

use clap::{Parser, Subcommand};
use hocphi_app::server::clock::{parse_instant, Clock, FixedClock, SystemClock};
use hocphi_app::server::limiter::FailureLimiter;
use hocphi_app::server::state::AppState;
use hocphi_server::config::Config;
use hocphi_server::{db, demo, http, vietqr_cli};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "hocphi",
    version,
    about = "Cashless school fees: the hocphi server and tools"
)]
struct Cli {
    /// A file of settings (NAME=value lines, as the environment variables below).
    #[arg(long, env = "HOCPHI_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(clap::Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HOCPHI_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// Database URL; without one, hocphi runs the demo on ./hocphi-demo.db.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// Directory of the built web app.
    #[arg(long, env = "HOCPHI_DIST", default_value = "dist")]
    dist: PathBuf,
    /// Pin the clock (e.g. 2026-11-26T09:00:00+07:00), for demos and tests.
    #[arg(long, env = "HOCPHI_NOW")]
    now: Option<String>,
    /// The reverse proxies in front of hocphi, by address or network
    /// (`127.0.0.1`, `10.0.0.0/24,10.0.1.5`): the client is the nearest
    /// X-Forwarded-For entry, read from the right, that is not one of them.
    #[arg(long, env = "HOCPHI_TRUST_PROXY", default_value = "")]
    trust_proxy: http::TrustedProxies,
    #[command(flatten)]
    master: MasterKeyArgs,
    /// The payment gateway's address (VNPay protocol), e.g. https://sandbox.vnpayment.vn.
    /// Without one, online payment is off, except in the demo (the simulator at /gateway-sim).
    #[arg(long, env = "HOCPHI_GATEWAY_URL")]
    gateway_url: Option<String>,
    /// Serve the gateway simulator on a real database too (a training copy, never
    /// production: its payments move no money). The demo always has it.
    #[arg(long, env = "HOCPHI_GATEWAY_SIMULATOR")]
    gateway_simulator: bool,
    /// Run the demo on DATABASE_URL (seeded with the demo data when empty): a demo
    /// or training copy on PostgreSQL. Without DATABASE_URL hocphi is the demo anyway.
    #[arg(long, env = "HOCPHI_DEMO")]
    demo: bool,
    /// Connections this process keeps open to the database at most (default: 8 for
    /// SQLite, 16 for PostgreSQL). With PostgreSQL, processes × this must stay
    /// under the server's max_connections.
    #[arg(long, env = "HOCPHI_DB_CONNECTIONS")]
    db_connections: Option<u32>,
    /// Where the public reaches hocphi (e.g. https://hocphi.pgd-halong.edu.vn), for
    /// the links the API and events hand out. Default: http://<addr>.
    #[arg(long, env = "HOCPHI_PUBLIC_URL")]
    public_url: Option<String>,
    /// Requests a minute one API key may make.
    #[arg(long, env = "HOCPHI_API_RATE", default_value_t = 300)]
    api_rate: u32,
    /// A token that lets a remote Prometheus read /metrics (Authorization: Bearer …);
    /// without it only this machine may, directly.
    #[arg(long, env = "HOCPHI_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Seconds between SIGTERM and closing the listener, answering /readyz with 503
    /// meanwhile so a load balancer stops sending first.
    #[arg(long, env = "HOCPHI_DRAIN_SECONDS", default_value_t = 5)]
    drain_seconds: u64,
    /// Let schools send events to this machine's own addresses (http://127.0.0.1:…):
    /// only when their software runs on the same server. Off by default.
    #[arg(long, env = "HOCPHI_WEBHOOKS_TO_LOOPBACK")]
    webhooks_to_loopback: bool,
}

#[derive(clap::Args, Clone)]
struct MasterKeyArgs {
    /// The master key (base64url, 32 bytes) sealing receipt signing keys.
    #[arg(long, env = "HOCPHI_MASTER_KEY", hide_env_values = true)]
    master_key: Option<String>,
    /// Where the master key is kept when not given directly (made on first start).
    #[arg(
        long,
        env = "HOCPHI_MASTER_KEY_FILE",
        default_value = "hocphi-master.key"
    )]
    master_key_file: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Supervising offices: the province's Department of Education and its communes/wards (a new
    /// deployment starts here, then `user add`).
    Office {
        #[command(subcommand)]
        action: OfficeAction,
    },
    /// Move a school to the office that supervises it.
    School {
        #[command(subcommand)]
        action: SchoolAction,
    },
    /// Copy the live SQLite database to a new file, consistently, while hocphi runs.
    Backup {
        /// The backup file to make (never overwritten).
        #[arg(long)]
        to: PathBuf,
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Put a backup in place of the SQLite database (stop hocphi first).
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
    /// Print a school's secret for signing bank notifications (made on first use).
    BankSecret {
        /// The school's page address (slug).
        #[arg(long)]
        school: String,
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
        #[command(flatten)]
        master: MasterKeyArgs,
    },
    /// Make an API key for a school's software; prints the key (shown once).
    ApiKey {
        /// The school's page address (slug).
        #[arg(long)]
        school: String,
        /// What the key is for (the software's name).
        #[arg(long)]
        name: String,
        /// The staff member (user name) making it, recorded as its creator.
        #[arg(long)]
        by: String,
        /// May write (bulk upsert of students), not only read.
        #[arg(long)]
        write: bool,
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Retire a school's receipt signing key and make a new one (old receipts still verify).
    ReceiptKey {
        /// The school's page address (slug).
        #[arg(long)]
        school: String,
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
        #[command(flatten)]
        master: MasterKeyArgs,
    },
    /// Manage staff accounts (an office's first officer is made here).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Encode or decode VietQR payloads.
    Vietqr {
        #[command(subcommand)]
        action: VietqrAction,
    },
}

#[derive(Subcommand)]
enum OfficeAction {
    /// Create an office and print its id: a Department (with --province), or a commune/ward under
    /// its Department (with --parent).
    Add {
        /// As the office calls itself, e.g. "Sở GD&ĐT Quảng Ninh" or "UBND phường Hồng Gai".
        #[arg(long)]
        name: String,
        /// The province, for a Department.
        #[arg(long)]
        province: Option<String>,
        /// The Department's id, for a commune or ward.
        #[arg(long)]
        parent: Option<i64>,
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
    /// List every office with its id, level and number of schools.
    List {
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Correct an office's name (a former district keeps its old name until renamed).
    Rename {
        #[arg(long)]
        id: i64,
        #[arg(long)]
        name: String,
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
}

#[derive(Subcommand)]
enum SchoolAction {
    /// Move a school to another office of the level its own level says (THPT: the Department;
    /// preschool, primary, lower-secondary: a commune or ward). Its staff follow.
    Move {
        /// The school's page address (slug).
        #[arg(long)]
        school: String,
        /// The office's id (see `office list`).
        #[arg(long)]
        office: i64,
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create an account. The password is read from HOCPHI_PASSWORD or, if unset,
    /// from the first line of standard input.
    Add {
        #[arg(long)]
        username: String,
        /// Full name as colleagues know it.
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The office's id, for an officer (see `office list`). For a school's staff the
        /// school's office is used; if given, it must supervise the school.
        #[arg(long)]
        office: Option<i64>,
        /// The school's page address (slug), for accountants and teachers.
        #[arg(long)]
        school: Option<String>,
        /// Database URL (default: the demo database).
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Officer,
    Accountant,
    Teacher,
}

#[derive(Subcommand)]
enum VietqrAction {
    /// Print the payload for a transfer.
    Encode {
        /// The receiving bank's 6-digit BIN, e.g. 970436 (Vietcombank).
        #[arg(long)]
        bin: String,
        #[arg(long)]
        account: String,
        /// Whole đồng; omit for a static QR.
        #[arg(long)]
        amount: Option<i64>,
        /// Bill number (62.01), e.g. the invoice code.
        #[arg(long)]
        bill: Option<String>,
        /// Transfer memo (62.08): ≤ 25 ASCII characters.
        #[arg(long)]
        purpose: Option<String>,
        /// The account is a card number (QRIBFTTC).
        #[arg(long)]
        card: bool,
    },
    /// Print a payload's fields as JSON, or say what is wrong with it.
    Decode { payload: String },
}

fn main() -> ExitCode {
    if let Err(e) = apply_config_file() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Vietqr { action }) => {
            let result = match action {
                VietqrAction::Encode {
                    bin,
                    account,
                    amount,
                    bill,
                    purpose,
                    card,
                } => vietqr_cli::encode(vietqr_cli::EncodeArgs {
                    bin,
                    account,
                    amount,
                    bill,
                    purpose,
                    card,
                }),
                VietqrAction::Decode { payload } => vietqr_cli::decode(&payload),
            };
            report(result.map_err(Into::into))
        }
        Some(Command::Office { action }) => report(office_command(action)),
        Some(Command::School { action }) => report(school_command(action)),
        Some(Command::User { action }) => report(user_command(action)),
        Some(Command::BankSecret {
            school,
            database_url,
            master,
        }) => report(bank_secret(school, database_url, master)),
        Some(Command::Backup { to, database_url }) => report(backup(to, database_url)),
        Some(Command::Restore {
            from,
            database_url,
            force,
        }) => report(restore(from, database_url, force)),
        Some(Command::ReceiptKey {
            school,
            database_url,
            master,
        }) => report(rotate_receipt_key(school, database_url, master)),
        Some(Command::ApiKey {
            school,
            name,
            by,
            write,
            database_url,
        }) => report(api_key(school, name, by, write, database_url)),
        Some(Command::Serve) | None => serve(cli.serve),
    }
}

fn report(result: Result<String, Box<dyn std::error::Error>>) -> ExitCode {
    match result {
        Ok(msg) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// A school's id by its slug, for the commands that act on one school.
async fn school_id(pool: &sqlx::AnyPool, slug: &str) -> Result<i64, Box<dyn std::error::Error>> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM school WHERE slug = $1")
        .bind(slug)
        .fetch_optional(pool)
        .await?;
    Ok(row.ok_or_else(|| format!("no school '{slug}'"))?.0)
}

fn backup(to: PathBuf, database_url: Option<String>) -> Result<String, Box<dyn std::error::Error>> {
    let url = database_url.unwrap_or_else(|| hocphi_server::config::DEMO_DATABASE.to_string());
    tokio::runtime::Runtime::new()?.block_on(async {
        let pool = hocphi_server::backup::open_existing(&url).await?;
        let summary = hocphi_server::backup::backup(&pool, &to).await?;
        Ok(format!("backed up to {}: {summary}", to.display()))
    })
}

fn restore(
    from: PathBuf,
    database_url: Option<String>,
    force: bool,
) -> Result<String, Box<dyn std::error::Error>> {
    let url = database_url.unwrap_or_else(|| hocphi_server::config::DEMO_DATABASE.to_string());
    tokio::runtime::Runtime::new()?.block_on(async {
        let summary = hocphi_server::backup::restore(&from, &url, force).await?;
        Ok(format!("restored {} into {url}: {summary}", from.display()))
    })
}

/// The master key for an admin command: never made here (see `MissingKey`).
fn admin_master_key(
    master: MasterKeyArgs,
) -> Result<hocphi_app::server::vault::Vault, Box<dyn std::error::Error>> {
    hocphi_server::config::master_key(
        master.master_key,
        &master.master_key_file,
        hocphi_server::config::MissingKey::Refuse,
    )
}

fn bank_secret(
    school: String,
    database_url: Option<String>,
    master: MasterKeyArgs,
) -> Result<String, Box<dyn std::error::Error>> {
    let vault = admin_master_key(master)?;
    let url = database_url.unwrap_or_else(|| hocphi_server::config::DEMO_DATABASE.to_string());
    tokio::runtime::Runtime::new()?.block_on(async {
        let pool = db::connect(&url).await?;
        // The wrong key (another directory's file) stops here, before it seals anything.
        db::token_key(&pool, &vault).await?;
        let id = school_id(&pool, &school).await?;
        let secret = hocphi_app::server::bank::school_secret(&pool, &vault, id, SystemClock.now())
            .await
            .map_err(|e| e.to_string())?;
        Ok(secret)
    })
}

fn api_key(
    school: String,
    name: String,
    by: String,
    write: bool,
    database_url: Option<String>,
) -> Result<String, Box<dyn std::error::Error>> {
    let url = database_url.unwrap_or_else(|| hocphi_server::config::DEMO_DATABASE.to_string());
    tokio::runtime::Runtime::new()?.block_on(async {
        let pool = db::connect(&url).await?;
        let school_id = school_id(&pool, &school).await?;
        let staff: Option<(i64, i64)> = sqlx::query_as(
            "SELECT s.id, s.office_id FROM staff s \
             WHERE s.username = $1 AND s.active = 1 AND s.role <> 'teacher' \
               AND (s.school_id = $2 OR (s.school_id IS NULL AND EXISTS ( \
                    SELECT 1 FROM office_school os WHERE os.office_id = s.office_id AND os.school_id = $2)))",
        )
        .bind(by.to_lowercase())
        .bind(school_id)
        .fetch_optional(&pool)
        .await?;
        let (staff_id, office_id) = staff.ok_or_else(|| format!("{by} may not make keys for {school}"))?;
        let now = SystemClock.now();
        let mut tx = pool.begin().await?;
        let (id, secret, prefix) =
            hocphi_app::api::api_keys::insert_key(&mut tx, school_id, staff_id, &name, write, now)
                .await
                .map_err(|e| e.to_string())?;
        hocphi_app::server::audit::record(
            &mut tx,
            now,
            None,
            office_id,
            hocphi_app::server::audit::Entry::at_school(school_id, "create", "api_key", id)
                .after(serde_json::json!({"name": name, "can_write": write, "prefix": prefix, "by": by, "via": "command line"})),
        )
        .await
        .map_err(|e| e.to_string())?;
        tx.commit().await?;
        Ok(secret)
    })
}

fn rotate_receipt_key(
    school: String,
    database_url: Option<String>,
    master: MasterKeyArgs,
) -> Result<String, Box<dyn std::error::Error>> {
    let vault = admin_master_key(master)?;
    let url = database_url.unwrap_or_else(|| hocphi_server::config::DEMO_DATABASE.to_string());
    tokio::runtime::Runtime::new()?.block_on(async {
        let pool = db::connect(&url).await?;
        // The wrong key (another directory's file) stops here, before it seals anything.
        db::token_key(&pool, &vault).await?;
        let id = school_id(&pool, &school).await?;
        let mut tx = pool.begin().await?;
        let key_id = hocphi_app::server::receipts::rotate(&mut tx, &vault, id, SystemClock.now())
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await?;
        Ok(format!("{school} now signs receipts with key {key_id}"))
    })
}

fn with_database<T>(
    database_url: Option<String>,
    work: impl AsyncFnOnce(&hocphi_app::server::state::Db) -> Result<T, Box<dyn std::error::Error>>,
) -> Result<T, Box<dyn std::error::Error>> {
    let url = database_url.unwrap_or_else(|| hocphi_server::config::DEMO_DATABASE.to_string());
    tokio::runtime::Runtime::new()?.block_on(async {
        let pool = db::connect(&url).await?;
        work(&pool).await
    })
}

fn office_command(action: OfficeAction) -> Result<String, Box<dyn std::error::Error>> {
    use hocphi_server::offices;
    let now = SystemClock.now();
    match action {
        OfficeAction::Add {
            name,
            province,
            parent,
            database_url,
        } => with_database(database_url, async |pool| {
            let id = offices::add(pool, &name, province.as_deref(), parent, now).await?;
            Ok(format!("created office {} (id {id})", name.trim()))
        }),
        OfficeAction::List { database_url } => with_database(database_url, async |pool| {
            let rows = offices::list(pool).await?;
            Ok(rows
                .iter()
                .map(|o| {
                    let under = o
                        .parent_id
                        .map(|p| format!(" under {p}"))
                        .unwrap_or_default();
                    format!(
                        "{}\t{}{under}\t{}\t{}\t{} schools",
                        o.id,
                        o.level.as_str(),
                        o.name,
                        o.province,
                        o.schools
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }),
        OfficeAction::Rename {
            id,
            name,
            database_url,
        } => with_database(database_url, async |pool| {
            offices::rename(pool, id, &name, now).await?;
            Ok(format!("office {id} is now {}", name.trim()))
        }),
    }
}

fn school_command(action: SchoolAction) -> Result<String, Box<dyn std::error::Error>> {
    let SchoolAction::Move {
        school,
        office,
        database_url,
    } = action;
    with_database(database_url, async |pool| {
        hocphi_server::offices::move_school(pool, &school, office, SystemClock.now()).await?;
        Ok(format!("{school} is now supervised by office {office}"))
    })
}

fn user_command(action: UserAction) -> Result<String, Box<dyn std::error::Error>> {
    let UserAction::Add {
        username,
        name,
        role,
        office,
        school,
        database_url,
    } = action;
    let password = match std::env::var("HOCPHI_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprint!("Password for {username}: ");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let role = match role {
        RoleArg::Officer => hocphi_app::staff::Role::Officer,
        RoleArg::Accountant => hocphi_app::staff::Role::Accountant,
        RoleArg::Teacher => hocphi_app::staff::Role::Teacher,
    };
    let url = database_url.unwrap_or_else(|| hocphi_server::config::DEMO_DATABASE.to_string());
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let pool = db::connect(&url).await?;
        let user = hocphi_server::users::NewUser {
            username: &username,
            display_name: &name,
            password: &password,
            role,
            office_id: office,
            school_slug: school.as_deref(),
        };
        let id = hocphi_server::users::add(&pool, user, SystemClock.now()).await?;
        Ok(format!("created staff account {username} (id {id})"))
    })
}

fn serve(args: ServeArgs) -> ExitCode {
    let logs = tracing_subscriber::fmt().with_env_filter(
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| "info,sqlx=warn".into()),
    );
    // One JSON object per line for log collectors; what is logged never holds
    // personal data (requests are logged by route template, not path).
    if std::env::var("HOCPHI_LOG_FORMAT").as_deref() == Ok("json") {
        logs.json().flatten_event(true).init();
    } else {
        logs.init();
    }
    let now = match args.now.as_deref().map(|t| (t, parse_instant(t))) {
        Some((text, None)) => {
            eprintln!("error: HOCPHI_NOW '{text}' is not a time like 2026-11-26T09:00:00+07:00");
            return ExitCode::from(2);
        }
        Some((_, t)) => t,
        None => None,
    };
    let vault = match hocphi_server::config::master_key(
        args.master.master_key.clone(),
        &args.master.master_key_file,
        hocphi_server::config::MissingKey::Create,
    ) {
        Ok(v) => Arc::new(v),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let config = Config {
        addr: args.addr,
        database_url: args.database_url,
        dist: args.dist,
        now,
        trust_proxy: args.trust_proxy.clone(),
        gateway_url: args.gateway_url,
        gateway_simulator: args.gateway_simulator,
        demo: args.demo,
        db_connections: args.db_connections,
        public_url: args.public_url.clone(),
        api_requests_per_minute: args.api_rate,
        metrics_token: args.metrics_token.clone(),
        webhooks_to_loopback: args.webhooks_to_loopback,
        drain_seconds: args.drain_seconds,
    };
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    match runtime.block_on(run(config, vault)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(
    config: Config,
    vault: Arc<hocphi_app::server::vault::Vault>,
) -> Result<(), Box<dyn std::error::Error>> {
    let clock: Arc<dyn Clock> = match config.now {
        Some(t) => Arc::new(FixedClock::at(t)),
        None => Arc::new(SystemClock),
    };
    let pool = db::connect_with(config.database_url(), config.db_connections)
        .await
        .map_err(|e| hocphi_server::config::cannot_open_database(config.database_url(), e))?;
    if config.is_demo() && demo::is_empty(&pool).await? {
        tracing::info!(
            "seeding demo data into {}",
            hocphi_server::config::redact_url(config.database_url())
        );
        demo::seed(&pool, &vault, clock.now())
            .await
            .map_err(|e| e.to_string())?;
    }
    let state = AppState {
        tokens: Arc::new(db::token_key(&pool, &vault).await?),
        db: pool.clone(),
        clock,
        lookups: Arc::new(FailureLimiter::new(pool.clone())),
        vault,
        gateway: match (
            &config.gateway_url,
            config.is_demo() || config.gateway_simulator,
        ) {
            (Some(url), _) => hocphi_app::server::state::Gateway::At(Arc::from(url.as_str())),
            (None, true) => hocphi_app::server::state::Gateway::Simulator,
            (None, false) => hocphi_app::server::state::Gateway::Off,
        },
        webhooks_to_loopback: config.webhooks_to_loopback,
    };
    let state_gateway = state.gateway.clone();
    // Students who left longer ago than their school's period are anonymised:
    // now, then once a day.
    let (sweep_db, sweep_clock, sweep_limits) =
        (state.db.clone(), state.clock.clone(), state.lookups.clone());
    tokio::spawn(async move {
        let mut daily = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
        loop {
            daily.tick().await;
            let today = sweep_clock.today().to_string();
            match hocphi_app::server::privacy::sweep(&sweep_db, sweep_clock.now(), &today).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("anonymised {n} students who left"),
                Err(e) => tracing::warn!("anonymising students who left: {e}"),
            }
            if let Err(e) = sweep_limits.sweep(sweep_clock.now()).await {
                tracing::warn!("forgetting old failed attempts: {e}");
            }
            if let Err(e) = hocphi_server::events::sweep(&sweep_db, sweep_clock.now()).await {
                tracing::warn!("forgetting old events and idempotency keys: {e}");
            }
        }
    });
    let operations = http::operations::Operations::new();
    let drain_seconds = config.drain_seconds;
    // Events to schools' software: every process sends, the database decides who sends what.
    tokio::spawn(hocphi_server::events::run(
        state.clone(),
        config.public_url(),
    ));
    let app = http::router(
        state,
        &config.dist,
        http::HttpOptions {
            trust_proxy: config.trust_proxy.clone(),
            public_url: config.public_url().into(),
            api_requests_per_minute: config.api_requests_per_minute,
            operations: operations.clone(),
            metrics_token: config.metrics_token.clone(),
        },
    );
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    match &state_gateway {
        hocphi_app::server::state::Gateway::At(url) => {
            tracing::info!("online payment through {url}")
        }
        hocphi_app::server::state::Gateway::Simulator => {
            tracing::info!(
                "online payment through the gateway simulator at /gateway-sim (no real money)"
            )
        }
        hocphi_app::server::state::Gateway::Off => {
            tracing::info!("online payment is off (set HOCPHI_GATEWAY_URL)")
        }
    }
    tracing::info!("configuration: {config:?}");
    tracing::info!("hocphi is listening on http://{}", config.addr);
    if config.is_demo() {
        tracing::info!(
            "demo: open http://{}/s/{} and look up student {} born {}",
            config.addr,
            demo::FEATURED_SCHOOL,
            demo::FEATURED_STUDENT_CODE,
            demo::FEATURED_BIRTH_DATE
        );
    }
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Not ready any more, while still serving: the load balancer sees /readyz
        // fail and stops sending; then new connections stop and requests in
        // flight finish.
        operations.drain();
        tokio::time::sleep(std::time::Duration::from_secs(drain_seconds)).await;
    })
    .await?;
    Ok(())
}

/// Settings from the file `--config FILE` or `HOCPHI_CONFIG` names, as
/// environment variables for the parser below; the real environment and the
/// command line win over the file. Runs first, before any thread exists.
fn apply_config_file() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let from_args = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--config=").map(str::to_string).or_else(|| {
            (a == "--config")
                .then(|| args.get(i + 1).cloned())
                .flatten()
        })
    });
    let Some(path) = from_args.or_else(|| std::env::var("HOCPHI_CONFIG").ok()) else {
        return Ok(());
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        hocphi_server::config::ConfigFileError::Unreadable(path.clone(), e.to_string())
    })?;
    for (name, value) in hocphi_server::config::parse_file(&text)? {
        if std::env::var_os(&name).is_none() {
            std::env::set_var(name, value);
        }
    }
    Ok(())
}

/// Ctrl-C or SIGTERM (a service manager stopping hocphi): finish the requests in
/// flight, then exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
