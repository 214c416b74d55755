import type { Cataloger } from '../cataloger.js';
import { composerCataloger } from './composer.js';
import { dotnetCataloger } from './dotnet.js';
import { npmCataloger } from './npm-cataloger.js';
import { pythonCataloger } from './python-cataloger.js';
import { gemCataloger } from './ruby-gems.js';

/** Catalogers for language ecosystems: npm, Python, Ruby gems, PHP Composer, .NET. */
export const languageCatalogers: Cataloger[] = [npmCataloger, pythonCataloger, gemCataloger, composerCataloger, dotnetCataloger];

export { composerCataloger, dotnetCataloger, gemCataloger, npmCataloger, pythonCataloger };
