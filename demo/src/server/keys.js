module.exports = { FLAGS: { PAYMENTS_KILL_SWITCH: 'payments_kill_switch' } };
