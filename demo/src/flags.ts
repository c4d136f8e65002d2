// Every flag key the app reads, in one place.
export const FLAGS = {
  NEW_CHECKOUT: 'new_checkout',
  DARK_MODE: 'dark_mode',
  PAYMENTS_KILL_SWITCH: 'payments_kill_switch',
} as const;

export enum Experiment {
  ButtonColor = 'button_color',
}
