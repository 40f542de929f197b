// Accounts: the credentials bodies and the user as the API returns it.
import { type Static, Type } from 'typebox';

const email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });

export const CredentialsSchema = Type.Object(
  { email, password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const RegistrationSchema = Type.Object(
  { email, password: Type.String({ minLength: 10, maxLength: 200, description: 'At least 10 characters' }) },
  { additionalProperties: false },
);

/** The answer to every accepted registration, whether or not the e-mail already had an account. */
export const RegistrationAcceptedSchema = Type.Object({ message: Type.String() });
export type RegistrationAccepted = Static<typeof RegistrationAcceptedSchema>;

export const UserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: Type.Union([Type.Literal('customer'), Type.Literal('admin')]),
});
export type User = Static<typeof UserSchema>;
