package main

import (
	"context"
	"errors"
	"fmt"

	"tournee/cli"
	"tournee/roads"
	"tournee/storage"
	"tournee/tui"
)

// dataImports is the « Données » screen's service: the imports of « tournee
// geo import » and « tournee routes import » on the open database.
type dataImports struct{ db *storage.DB }

var _ tui.DataService = dataImports{}

func (d dataImports) ImportAddresses(ctx context.Context, path string, progress func(tui.DataProgress)) (tui.AddressesImported, error) {
	var p func(cli.ImportProgress)
	if progress != nil {
		p = func(c cli.ImportProgress) { progress(tui.DataProgress{Fraction: c.Fraction, Rows: c.Rows}) }
	}
	res, err := cli.ImportAddresses(ctx, d.db, path, p)
	if err != nil {
		return tui.AddressesImported{}, err
	}
	out := tui.AddressesImported{Rows: res.Rows, Streets: res.Streets, Skipped: res.Skipped}
	for _, le := range res.Errors {
		out.Lines = append(out.Lines, le.Error())
	}
	return out, nil
}

func (d dataImports) ImportRoads(ctx context.Context, path string, progress func(tui.DataProgress)) (tui.RoadsImported, error) {
	var p func(cli.ImportProgress)
	if progress != nil {
		p = func(c cli.ImportProgress) { progress(tui.DataProgress{Fraction: c.Fraction}) }
	}
	net, err := cli.ImportRoads(ctx, d.db, path, p)
	if errors.Is(err, cli.ErrNoArea) {
		err = fmt.Errorf("%w: %w", tui.ErrNoArea, err)
	}
	if err != nil {
		return tui.RoadsImported{}, err
	}
	// The network just read is the one the rounds drive on from now.
	return tui.RoadsImported{Nodes: net.Nodes(), Edges: net.Edges(), Travel: roads.SharedNetwork(net)}, nil
}
