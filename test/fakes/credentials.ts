/** The credentials the fakes accept: tests and `npm start` set these variables when they use fakes. */
export const FAKE_ENV = {
  SAILTHRU_API_KEY: 'fake-sailthru-key',
  SAILTHRU_API_SECRET: 'fake-sailthru-secret',
  CUSTOMERIO_SITE_ID: 'fake-site',
  CUSTOMERIO_TRACK_API_KEY: 'fake-track-key',
  CUSTOMERIO_APP_API_KEY: 'fake-app-key',
  CLEVERTAP_ACCOUNT_ID: 'FAKE-ACCOUNT',
  CLEVERTAP_PASSCODE: 'fake-passcode',
  MOENGAGE_APP_ID: 'FAKEAPP',
  MOENGAGE_API_KEY: 'fake-moengage-key',
  MPARTICLE_API_KEY: 'fake-mp-key',
  MPARTICLE_API_SECRET: 'fake-mp-secret',
  ANTAVO_API_KEY: 'fake-antavo-key',
  ANTAVO_API_SECRET: 'fake-antavo-secret',
  WEBHOOK_TOKEN: 'fake-webhook-token',
} as const;
