import { en, Faker } from "@faker-js/faker";

/** An entry of a node's phone book that is not one of its users: a supplier, a client, a taxi. */
export interface ExternalContact {
  /** 1-based position in the node's book */
  readonly id: number;
  readonly lastName: string;
  readonly firstName: string;
  /** a public number, dialled with the outside-line prefix 0 */
  readonly number: string;
}

/** About one contact per fifty users, at least ten: a directory search finds both kinds. */
export function externalContactCount(usersOfNode: number): number {
  return Math.max(10, Math.min(5000, Math.round(usersOfNode / 50)));
}

/**
 * A node's external contacts, deterministic by seed and node (independent of the users, so
 * adding users does not change the book).
 */
export function generateExternalContacts(seed: number, nodeId: number, count: number): ExternalContact[] {
  const faker = new Faker({ locale: [en], seed: seed * 7919 + nodeId * 104_729 + 17 });
  const out: ExternalContact[] = [];
  for (let i = 1; i <= count; i++) {
    const company = faker.number.float() < 0.4;
    out.push({
      id: i,
      lastName: company ? faker.company.name().slice(0, 40) : faker.person.lastName(),
      firstName: company ? "" : faker.person.firstName(),
      number: `0${faker.string.numeric({ length: 9, allowLeadingZeros: false })}`,
    });
  }
  return out;
}
