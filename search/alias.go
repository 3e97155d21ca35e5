package search

import "errors"

// Index aliases (FT.ALIASADD, FT.ALIASUPDATE, FT.ALIASDEL): a second name under which an
// index answers every command that names an index. As in RediSearch, an index's own name
// wins over an alias of the same name (FT.CREATE may take a name an alias holds), an alias
// never names another alias, names are case-sensitive, and dropping an index drops its
// aliases. Aliases live as long as the process, like the indexes themselves for now.

// Errors of the alias commands; their texts are RediSearch's replies (sent without "ERR").
var (
	ErrAliasExists   = errors.New("Alias already exists")
	ErrAliasConflict = errors.New("Alias conflicts with an existing index name")
	ErrAliasTarget   = errors.New("Unknown index name (or name is an alias itself)")
	ErrAliasMissing  = errors.New("Alias does not exist")
	ErrAliasNotOwned = errors.New("Alias does not belong to provided spec")
)

// lookupLocked returns the index called name, by its own name first and then by alias;
// r.mu must be held.
func (r *Registry) lookupLocked(name string) *Index {
	if idx := r.byName[name]; idx != nil {
		return idx
	}
	return r.aliases[name]
}

// AliasAdd makes alias another name of the index called index (not an alias).
func (r *Registry) AliasAdd(alias, index string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.aliasAddLocked(alias, index)
}

// aliasAddLocked checks in RediSearch's order: the target, a clash with an index's name,
// then an alias already taken (even by the same index).
func (r *Registry) aliasAddLocked(alias, index string) error {
	idx := r.byName[index]
	if idx == nil {
		return ErrAliasTarget
	}
	if r.byName[alias] != nil {
		return ErrAliasConflict
	}
	if r.aliases[alias] != nil {
		return ErrAliasExists
	}
	if r.aliases == nil {
		r.aliases = make(map[string]*Index)
	}
	r.aliases[alias] = idx
	return nil
}

// AliasUpdate points alias at the index called index, whichever index it named before (if
// any). When the new target is refused the alias keeps its old one.
func (r *Registry) AliasUpdate(alias, index string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	old, err := r.aliasDelLocked(alias)
	if err != nil && !errors.Is(err, ErrAliasMissing) {
		return err
	}
	if err := r.aliasAddLocked(alias, index); err != nil {
		if old != nil {
			r.aliases[alias] = old
		}
		return err
	}
	return nil
}

// AliasDel removes alias. A name that is an index's own is refused, as RediSearch refuses
// it: it finds the index, and the index has no such alias.
func (r *Registry) AliasDel(alias string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err := r.aliasDelLocked(alias)
	return err
}

// aliasDelLocked removes alias and returns the index it named.
func (r *Registry) aliasDelLocked(alias string) (*Index, error) {
	if r.byName[alias] != nil {
		return nil, ErrAliasNotOwned
	}
	idx := r.aliases[alias]
	if idx == nil {
		return nil, ErrAliasMissing
	}
	delete(r.aliases, alias)
	return idx, nil
}

// dropAliasesLocked removes the aliases of idx, which is being dropped; r.mu must be held.
func (r *Registry) dropAliasesLocked(idx *Index) {
	for a, to := range r.aliases {
		if to == idx {
			delete(r.aliases, a)
		}
	}
}
