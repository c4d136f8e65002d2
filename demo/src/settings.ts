// Not a flag read: a settings store with a method of the same name as the SDK's.
class SettingsStore {
  private values = new Map<string, string>();
  getValue(key: string) {
    return this.values.get(key);
  }
}
export const settings = new SettingsStore();
export const theme = settings.getValue('theme');
