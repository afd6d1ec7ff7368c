/**
 * `facegate doctor`: checks the invariants between the face collection, the images and the
 * table (examine.ts), and with `repair` removes what interrupted flows left behind, then checks
 * again. Works on any stores the inventory ports can list: the local stack, or AWS.
 */
import { examine, type Examination } from './examine';
import { takeInventory, type DoctorDeps, type Inventory } from './inventory';
import { repair, type RepairResult } from './repair';

export type { Examination, Finding, FindingKind, InFlight } from './examine';
export type { DoctorDeps, Inventory } from './inventory';
export type { RepairResult } from './repair';

export interface Census {
  faces: number;
  rekognitionUsers: number;
  images: number;
  profiles: number;
  faceRecords: number;
  registrations: number;
  /** Sign-in accounts; undefined when the user pool was not listed. */
  accounts?: number;
}

export interface DoctorReport {
  census: Census;
  /** What the first check found. */
  found: Examination;
  /** With `repair`: what was done, and what the check after it still finds. */
  repairs?: RepairResult[];
  after?: Examination;
}

export function census(inventory: Inventory): Census {
  return {
    faces: inventory.faces.size,
    rekognitionUsers: inventory.rekognitionUsers.size,
    images: inventory.objects.size,
    profiles: inventory.profiles.size,
    faceRecords: [...inventory.faceItems.values()].reduce((n, faces) => n + faces.size, 0),
    registrations: inventory.registrations.length,
    ...(inventory.accounts ? { accounts: inventory.accounts.size } : {}),
  };
}

/** Checks the stores; with `repair`, removes the orphans it found and checks again. */
export async function runDoctor(deps: DoctorDeps, options: { repair?: boolean } = {}): Promise<DoctorReport> {
  const inventory = await takeInventory(deps);
  const found = examine(deps, inventory);
  const report: DoctorReport = { census: census(inventory), found };
  if (options.repair && found.findings.length > 0) {
    report.repairs = await repair(deps, inventory, found);
    report.after = examine(deps, await takeInventory(deps));
  }
  return report;
}

/** The findings that remain: after the repair if one ran, else the check's. */
export const remaining = (report: DoctorReport): Examination => report.after ?? report.found;
