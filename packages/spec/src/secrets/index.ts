export { looksSecret, isCredentialHeader } from './names.js';
export { makeRedactor, redactValue, REDACTED, MIN_SECRET_LENGTH, type Redactor } from './redactor.js';
export { secretValues, redactorFor, apiTokenFile, type SecretSources } from './known-secrets.js';
export { checkSecretsInSpec, specSecrets, specTextWithoutSecrets, specWithoutSecrets, urlPasswordReferences, urlPasswords, urlSecrets, withoutTextSecrets, withoutUrlPasswords, type SpecSecret, type SpecSecrets } from './in-spec.js';
export { argvWordSecrets, commandLineSecrets, secretDefaults, type CommandLineFinding, type SecretSpan } from './command-line.js';
