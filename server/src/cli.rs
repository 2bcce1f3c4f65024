//! The `hocphi` command tree, and what each command prints. The work is done in
//! the commands' own modules (offices, users, school_keys, backup, vietqr_cli);
//! `hocphi serve` is [`crate::startup`].

use crate::config::{self, Config, MissingKey, DEMO_DATABASE};
use crate::secret::Secret;
use crate::{backup, db, http, logs, offices, school_keys, startup, users, vietqr_cli};
use clap::{Parser, Subcommand};
use hocphi_app::server::clock::{parse_instant, Clock, SystemClock};
use hocphi_app::server::state::Db;
use hocphi_app::server::vault::Vault;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

type Error = Box<dyn std::error::Error>;

#[derive(Parser)]
#[command(
    name = "hocphi",
    version,
    about = "Cashless school fees: the hocphi server and tools"
)]
pub struct Cli {
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
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<Secret>,
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
    metrics_token: Option<Secret>,
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
    master_key: Option<Secret>,
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
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<Secret>,
    },
    /// Put a backup in place of the SQLite database (stop hocphi first).
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<Secret>,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
    /// Print a school's secret for signing bank notifications (made on first use).
    BankSecret {
        /// The school's page address (slug).
        #[arg(long)]
        school: String,
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<Secret>,
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
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<Secret>,
    },
    /// Retire a school's receipt signing key and make a new one (old receipts still verify).
    ReceiptKey {
        /// The school's page address (slug).
        #[arg(long)]
        school: String,
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<Secret>,
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
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<Secret>,
    },
    /// List every office with its id, level and number of schools.
    List {
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<Secret>,
    },
    /// Correct an office's name (a former district keeps its old name until renamed).
    Rename {
        #[arg(long)]
        id: i64,
        #[arg(long)]
        name: String,
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<Secret>,
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
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<Secret>,
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
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<Secret>,
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

/// Runs the command the command line names (serving by default).
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Vietqr { action }) => report(vietqr(action)),
        Some(Command::Office { action }) => report(office(action)),
        Some(Command::School { action }) => report(school(action)),
        Some(Command::User { action }) => report(user(action)),
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
        }) => report(receipt_key(school, database_url, master)),
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

fn report(result: Result<String, Error>) -> ExitCode {
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

/// The database an admin command works on: the one named, or the demo's.
fn database(database_url: Option<Secret>) -> Secret {
    database_url.unwrap_or_else(|| Secret::from(DEMO_DATABASE))
}

/// Runs an admin command's work on the database (connected and migrated).
fn with_database<T>(
    database_url: Option<Secret>,
    work: impl AsyncFnOnce(&Db) -> Result<T, Error>,
) -> Result<T, Error> {
    let url = database(database_url);
    tokio::runtime::Runtime::new()?.block_on(async {
        let pool = db::connect(url.expose()).await?;
        work(&pool).await
    })
}

/// The master key for an admin command: never made here (see `MissingKey`).
fn admin_master_key(master: MasterKeyArgs) -> Result<Vault, Error> {
    config::master_key(
        master.master_key.as_ref(),
        &master.master_key_file,
        MissingKey::Refuse,
    )
}

fn vietqr(action: VietqrAction) -> Result<String, Error> {
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
            amount: amount.map(hocphi_app::domain::money::Vnd::new),
            bill,
            purpose,
            card,
        }),
        VietqrAction::Decode { payload } => vietqr_cli::decode(&payload),
    };
    Ok(result?)
}

fn office(action: OfficeAction) -> Result<String, Error> {
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
                .map(ToString::to_string)
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

fn school(action: SchoolAction) -> Result<String, Error> {
    let SchoolAction::Move {
        school,
        office,
        database_url,
    } = action;
    with_database(database_url, async |pool| {
        offices::move_school(pool, &school, office, SystemClock.now()).await?;
        Ok(format!("{school} is now supervised by office {office}"))
    })
}

fn user(action: UserAction) -> Result<String, Error> {
    let UserAction::Add {
        username,
        name,
        role,
        office,
        school,
        database_url,
    } = action;
    let password = Secret::from(users::password_from_env_or_stdin(&username)?);
    let role = match role {
        RoleArg::Officer => hocphi_app::staff::Role::Officer,
        RoleArg::Accountant => hocphi_app::staff::Role::Accountant,
        RoleArg::Teacher => hocphi_app::staff::Role::Teacher,
    };
    with_database(database_url, async |pool| {
        let user = users::NewUser {
            username: &username,
            display_name: &name,
            password: password.expose(),
            role,
            office_id: office,
            school_slug: school.as_deref(),
        };
        let id = users::add(pool, user, SystemClock.now()).await?;
        Ok(format!("created staff account {username} (id {id})"))
    })
}

fn bank_secret(
    school: String,
    database_url: Option<Secret>,
    master: MasterKeyArgs,
) -> Result<String, Error> {
    let vault = admin_master_key(master)?;
    with_database(database_url, async |pool| {
        school_keys::bank_secret(pool, &vault, &school, SystemClock.now()).await
    })
}

fn receipt_key(
    school: String,
    database_url: Option<Secret>,
    master: MasterKeyArgs,
) -> Result<String, Error> {
    let vault = admin_master_key(master)?;
    with_database(database_url, async |pool| {
        let key_id =
            school_keys::rotate_receipt_key(pool, &vault, &school, SystemClock.now()).await?;
        Ok(format!("{school} now signs receipts with key {key_id}"))
    })
}

fn api_key(
    school: String,
    name: String,
    by: String,
    write: bool,
    database_url: Option<Secret>,
) -> Result<String, Error> {
    with_database(database_url, async |pool| {
        let key = school_keys::NewApiKey {
            school: &school,
            name: &name,
            by: &by,
            write,
        };
        school_keys::api_key(pool, key, SystemClock.now()).await
    })
}

fn backup(to: PathBuf, database_url: Option<Secret>) -> Result<String, Error> {
    let url = database(database_url);
    tokio::runtime::Runtime::new()?.block_on(async {
        let pool = backup::open_existing(url.expose()).await?;
        let summary = backup::backup(&pool, &to).await?;
        Ok(format!("backed up to {}: {summary}", to.display()))
    })
}

fn restore(from: PathBuf, database_url: Option<Secret>, force: bool) -> Result<String, Error> {
    let url = database(database_url);
    tokio::runtime::Runtime::new()?.block_on(async {
        let summary = backup::restore(&from, url.expose(), force).await?;
        Ok(format!(
            "restored {} into {}: {summary}",
            from.display(),
            config::redact_url(url.expose())
        ))
    })
}

fn serve(args: ServeArgs) -> ExitCode {
    logs::init();
    let now = match args.now.as_deref().map(|t| (t, parse_instant(t))) {
        Some((text, None)) => {
            eprintln!("error: HOCPHI_NOW '{text}' is not a time like 2026-11-26T09:00:00+07:00");
            return ExitCode::from(2);
        }
        Some((_, t)) => t,
        None => None,
    };
    let config = Config {
        addr: args.addr,
        database_url: args.database_url,
        dist: args.dist,
        now,
        trust_proxy: args.trust_proxy,
        gateway_url: args.gateway_url,
        gateway_simulator: args.gateway_simulator,
        demo: args.demo,
        db_connections: args.db_connections,
        public_url: args.public_url,
        api_requests_per_minute: args.api_rate,
        metrics_token: args.metrics_token,
        master_key: args.master.master_key,
        master_key_file: args.master.master_key_file,
        webhooks_to_loopback: args.webhooks_to_loopback,
        drain_seconds: args.drain_seconds,
    };
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let served = runtime.block_on(async { startup::build(config).await?.serve().await });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
