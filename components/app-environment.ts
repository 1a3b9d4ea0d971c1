import * as pulumi from "@pulumi/pulumi";

/**
 * The application's environment, built in ONE place for the web service, the queue worker and the
 * migration task, so every process in every stack gets the same keys: only values differ. Reviewers
 * read the key list like code (it is code), and the policy pack compares it across stacks.
 *
 * Pure: no resources are created here, only values derived from other components' outputs.
 */

/** How long a worker may spend on one job; SQS visibility and ECS stop timeouts are derived from it. */
export const JOB_TIMEOUT_SECONDS = 120;
/** The container port the app listens on behind the load balancer. */
export const APP_PORT = 8080;
/** Auth redirect paths: the same in every stack, so only the base URL differs. */
export const AUTH_CALLBACK_PATH = "/auth/callback";
export const AUTH_LOGOUT_PATH = "/auth/logout";
/** The libpq mode the app connects with: the server forces TLS and the client checks the host name. */
export const DATABASE_SSLMODE = "verify-full";

/** Secrets every process gets. `DATABASE_PASSWORD` is the application role's, never the master's. */
export type AppSecretName = "DATABASE_PASSWORD" | "PAYMENTS_API_KEY" | "SIGNING_KEY";
/** The master password: the migration task's alone (see `withDatabaseAdmin`). */
export const DATABASE_ADMIN_PASSWORD = "DATABASE_ADMIN_PASSWORD";
export type SecretName = AppSecretName | typeof DATABASE_ADMIN_PASSWORD;

/** One ECS container environment entry. */
export interface EnvironmentVariable {
  readonly name: string;
  readonly value: pulumi.Input<string>;
}

/** One ECS container secret: the value stays in Secrets Manager; ECS injects it at start. */
export interface ContainerSecret {
  readonly name: SecretName;
  readonly valueFrom: pulumi.Input<string>;
}

export interface AppEnvironmentInput {
  /** `https://<domain>` from Settings. */
  readonly baseUrl: string;
  readonly cookieSameSite: string;
  readonly hstsMaxAgeSeconds: number;
  /** The one IANA timezone for the app and its schedules. */
  readonly timezone: string;
  readonly integrations: { readonly payments: string; readonly email: string; readonly sms: string };
  readonly uploadsBucket: pulumi.Input<string>;
  /** From the uploads Storage component, so the app and the bucket agree on the limit. */
  readonly maxUploadBytes: number;
  /** Queue name (as in Settings.queues) → queue URL. */
  readonly queueUrls: Readonly<Record<string, pulumi.Input<string>>>;
  readonly auth: {
    readonly userPoolId: pulumi.Input<string>;
    readonly clientId: pulumi.Input<string>;
    /** The hosted UI's host name, e.g. `parity-staging-…auth.us-east-1.amazoncognito.com`. */
    readonly domain: pulumi.Input<string>;
  };
  readonly database: {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly name: pulumi.Input<string>;
    readonly user: pulumi.Input<string>;
  };
  readonly email: { readonly from: pulumi.Input<string>; readonly outboxBucket: pulumi.Input<string> };
  readonly workerConcurrency: number;
  /** Secrets Manager `valueFrom` references (ARN, or `ARN:jsonKey::` for a JSON secret). */
  readonly secrets: Readonly<Record<AppSecretName, pulumi.Input<string>>>;
}

export interface AppEnvironment {
  /** Sorted by name, so container definitions (and their diffs) are stable. */
  readonly environment: readonly EnvironmentVariable[];
  readonly secrets: readonly ContainerSecret[];
}

/** The `<NAME>_QUEUE_URL` variable for a queue named in config (`mail-out` → `MAIL_OUT_QUEUE_URL`). */
export function queueUrlVariable(queue: string): string {
  return `${queue.replace(/-/g, "_").toUpperCase()}_QUEUE_URL`;
}

/**
 * Which integrations are simulated, as the app shows them in its banner (`"email,payments,sms"` in
 * staging, `""` in production). Derived from the modes so it can never disagree with them.
 */
export function simulatedIntegrations(modes: AppEnvironmentInput["integrations"]): string {
  const simulated: string[] = [];
  if (modes.email !== "send") simulated.push("email");
  if (modes.payments !== "live") simulated.push("payments");
  if (modes.sms !== "send") simulated.push("sms");
  return simulated.join(",");
}

export function buildAppEnvironment(input: AppEnvironmentInput): AppEnvironment {
  const origin = new URL(input.baseUrl).origin;
  const vars: Record<string, pulumi.Input<string>> = {
    BASE_URL: origin,
    CORS_ORIGINS: origin,
    // The app always runs behind the HTTPS listener, so cookies are Secure and the proxy's
    // X-Forwarded-Proto is trusted; a stack that set these differently would build http:// links.
    COOKIE_SECURE: "true",
    COOKIE_SAMESITE: input.cookieSameSite,
    TRUST_PROXY: "true",
    HSTS_MAX_AGE: String(input.hstsMaxAgeSeconds),
    TZ: input.timezone,
    PORT: String(APP_PORT),
    EMAIL_MODE: input.integrations.email,
    PAYMENTS_MODE: input.integrations.payments,
    SMS_MODE: input.integrations.sms,
    SIMULATED_INTEGRATIONS: simulatedIntegrations(input.integrations),
    UPLOADS_BUCKET: input.uploadsBucket,
    UPLOAD_MAX_BYTES: String(input.maxUploadBytes),
    AUTH_USER_POOL_ID: input.auth.userPoolId,
    AUTH_CLIENT_ID: input.auth.clientId,
    AUTH_DOMAIN: input.auth.domain,
    AUTH_CALLBACK_PATH,
    AUTH_LOGOUT_PATH,
    DATABASE_HOST: input.database.host,
    DATABASE_PORT: pulumi.output(input.database.port).apply(String),
    DATABASE_NAME: input.database.name,
    DATABASE_USER: input.database.user,
    DATABASE_SSLMODE,
    EMAIL_FROM: input.email.from,
    EMAIL_OUTBOX_BUCKET: input.email.outboxBucket,
    JOB_TIMEOUT_SECONDS: String(JOB_TIMEOUT_SECONDS),
    WORKER_CONCURRENCY: String(input.workerConcurrency),
  };
  for (const [queue, url] of Object.entries(input.queueUrls)) {
    const key = queueUrlVariable(queue);
    if (key in vars)
      throw new Error(
        `queue \`${queue}\` maps to \`${key}\`, which the app already uses; rename the queue in \`queues\``,
      );
    vars[key] = url;
  }
  const environment = Object.keys(vars)
    .sort()
    .map((name) => ({ name, value: vars[name] }));
  const secrets = (Object.keys(input.secrets) as AppSecretName[])
    .sort()
    .map((name) => ({ name, valueFrom: input.secrets[name] }));
  return { environment, secrets };
}

/** Every key a container sees (env and secrets), sorted: exported by the stack for review. */
export function appEnvironmentKeys(env: AppEnvironment): string[] {
  return [...env.environment.map((e) => e.name), ...env.secrets.map((s) => s.name)].sort();
}

/**
 * The migration task's environment: the app's, plus the master user and its password. Migrations
 * connect as the master to create the application role (password from `DATABASE_PASSWORD`) and own the
 * schema; web and worker never get these two keys, so a compromised app process cannot act as
 * rds_superuser.
 */
export function withDatabaseAdmin(
  env: AppEnvironment,
  admin: { readonly user: string; readonly passwordValueFrom: pulumi.Input<string> },
): AppEnvironment {
  // The same order as buildAppEnvironment's (code-unit order of the names), so diffs stay stable.
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const environment = [...env.environment, { name: "DATABASE_ADMIN_USER", value: admin.user }].sort(byName);
  const secrets = [...env.secrets, { name: DATABASE_ADMIN_PASSWORD, valueFrom: admin.passwordValueFrom } as const].sort(
    byName,
  );
  return { environment, secrets };
}
