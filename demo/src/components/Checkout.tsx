import React from 'react';
import { useFlags } from 'flagsmith/react';
import { FLAGS } from '../flags';

export function Checkout() {
  const flags = useFlags([FLAGS.NEW_CHECKOUT, FLAGS.DARK_MODE]);
  if (!flags.new_checkout.enabled) {
    return <LegacyCheckout />;
  }
  return <div className={flags.dark_mode.enabled ? 'dark' : 'light'}>New checkout</div>;
}

function LegacyCheckout() {
  return <div>Old checkout</div>;
}
