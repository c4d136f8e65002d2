const Flagsmith = require('flagsmith-nodejs');
const { FLAGS } = require('./keys');

const flagsmith = new Flagsmith({ environmentKey: process.env.FLAGSMITH_SERVER_KEY });

async function canCharge() {
  const flags = await flagsmith.getEnvironmentFlags();
  return flags.isFeatureEnabled(FLAGS.PAYMENTS_KILL_SWITCH) && !flags.isFeatureEnabled('chekout_v3');
}

module.exports = { canCharge };
