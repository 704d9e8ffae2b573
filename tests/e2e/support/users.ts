// The demo accounts (server/src/seed.rs). Password for all: DEMO_PASSWORD.

export interface DemoUser {
  email: string;
  name: string;
}

export const patient: DemoUser = { email: 'pasient@stegvis.demo', name: 'Kari Nordmann' };
export const therapist: DemoUser = { email: 'behandler@stegvis.demo', name: 'Maria Johansen' };
export const teamLead: DemoUser = { email: 'teamleder@stegvis.demo', name: 'Erik Nilsen' };
export const orgAdmin: DemoUser = { email: 'admin@stegvis.demo', name: 'Siri Haugland' };

/**
 * Tests that change an account (its language, its password) use a different account in each
 * project, so both projects pass against one server run, in any order and in parallel.
 */
export function perProject(projectName: string, js: DemoUser, noJs: DemoUser): DemoUser {
  return projectName === 'no-js' ? noJs : js;
}

export const jonasLie: DemoUser = { email: 'jonas.lie@stegvis.demo', name: 'Jonas Lie' };
export const aminaHassan: DemoUser = { email: 'amina.hassan@stegvis.demo', name: 'Amina Hassan' };
export const perOlsen: DemoUser = { email: 'per.olsen@stegvis.demo', name: 'Per Olsen' };
export const lineDahl: DemoUser = { email: 'line.dahl@stegvis.demo', name: 'Line Dahl' };
/** Only used for failed log-ins (the per-account limit is 5 failures in 15 minutes). */
export const olaBerg: DemoUser = { email: 'ola.berg@stegvis.demo', name: 'Ola Berg' };
