import React from 'react';
import flagsmith from 'flagsmith';
import { Experiment } from '../flags';

export function Banner({ variant }: { variant: string }) {
  // `old_search` was archived in the service months ago; this read always gets the default.
  if (flagsmith.hasFeature('old_search')) {
    return null;
  }
  const color = flagsmith.getValue(Experiment.ButtonColor, { fallback: 'red' });
  const searchLabel = flagsmith.hasFeature('search_v2') ? 'Search' : 'Find';
  const copy = flagsmith.getValue(`banner_copy_${variant}`);
  return (
    <div style={{ color: String(color) }} title={searchLabel}>
      {String(copy ?? 'Welcome')}
    </div>
  );
}
